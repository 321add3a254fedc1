"""Does CMD learn useful representations from real skeletons? The real-data studies.

``--dataset msr`` (MSR Action3D, cross-subject) or ``nw_ucla`` (Northwestern-UCLA,
cross-view), both in ../shared/data. For each seed: MoCo and CMD pretrained without
labels on the training part, then kNN and linear top-1 per stream and fused on the test
part, for random-init, MoCo, CMD and supervised (``cmd_mmaction/apis/study.py`` runs it,
``cmd_mmaction/apis/studies.py`` holds each dataset's configs and page). Writes
``docs/<page>.md`` (mean ± std over seeds, the time taken, the last losses), the
kNN-curve PNG and the loss-curve PNG::

    python tools/analysis/real_data_study.py --dataset msr            # about an hour
    python tools/analysis/real_data_study.py --dataset nw_ucla --jobs 2
    python tools/analysis/real_data_study.py --tiny --out-dir /tmp/study   # smoke run
"""
import argparse
import json
import os.path as osp
import sys
import time

from cmd_mmaction.apis.studies import ROOT, STUDIES
from cmd_mmaction.apis.study import (Study, append_kept_pages, build_parser, ensure_data,
                                     fill_from_work_dirs, plot_loss_curves, plot_mean_curves,
                                     report, run_seeds, write_partial)
from cmd_mmaction.utils.atomic_io import write_text_atomic


def parse_args(argv=None):
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument('--dataset', choices=sorted(STUDIES), default='msr')
    known, _ = pre.parse_known_args(argv)
    spec = STUDIES[known.dataset]
    parser = build_parser(__doc__.splitlines()[0], ROOT, spec, f'{spec.name}_study')
    parser.add_argument('--dataset', choices=sorted(STUDIES), default='msr')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--report-only', action='store_true',
                        help="rewrite the page and plot from the work dir's results.json "
                             '(of an earlier run) without training')
    return spec, parser.parse_args(argv)


def main(argv=None):
    spec, args = parse_args(argv)
    if args.tiny:
        args.seeds = args.seeds[:1]
    if args.report_only:
        with open(osp.join(args.work_dir, 'results.json'), encoding='utf-8') as f:
            saved = json.load(f)
        args.seeds, per_seed, seconds = saved['seeds'], saved['results'], saved['seconds']
        curves = saved['curves']
        args.jobs = saved.get('jobs', 1)
        fill_from_work_dirs(spec, args, per_seed)
    else:
        import cmd_mmaction  # noqa: F401  registers everything
        ensure_data(spec, args)
        start = time.time()
        per_seed, curves = run_seeds(spec, args, osp.abspath(__file__),
                                     ['--dataset', spec.name])
        if args.partial_json:  # a --jobs worker: the parent writes the page
            write_partial(args.partial_json, per_seed, curves)
            return dict(results=per_seed, curves=curves)
        if spec.tsne_png:
            Study(spec, args).tsne(args.seeds[0], osp.join(args.out_dir, spec.tsne_png))
        seconds = time.time() - start
    plot_mean_curves(curves, osp.join(args.out_dir, spec.curve_png), spec.curve_title)
    if spec.loss_png:
        plot_loss_curves(spec, per_seed, osp.join(args.out_dir, spec.loss_png))
    text = append_kept_pages(report(spec, args, per_seed, seconds), args.out_dir,
                             spec.kept_pages)
    md = osp.join(args.out_dir, spec.page)
    write_text_atomic(md, text)
    write_text_atomic(osp.join(args.work_dir, 'results.json'), json.dumps(
        dict(seeds=args.seeds, results=per_seed, curves=curves, seconds=seconds,
             jobs=args.jobs)))
    print(text)
    return dict(results=per_seed, curves=curves, seconds=seconds, markdown=md)


if __name__ == '__main__':
    try:
        main()
    except (ValueError, FileNotFoundError) as err:
        sys.exit(f'real_data_study: error: {err}')
