"""Does CMD learn useful representations from real skeletons? MSR Action3D study.

Real Kinect recordings (../shared/data/msr_action3d: 557 sequences, 20 actions, 10
subjects, 20 joints) fit a 2-core CPU. For each seed, without labels on the training
subjects (1, 3, 5, 7, 9), pretrain plain per-modality MoCo and CMD (same encoders and
schedule), then evaluate on the test subjects (2, 4, 6, 8, 10), once per final run:

- kNN top-1 (k = 1, cosine; bank = all training subjects) for joint, motion, bone and
  their fusion (``KNNMetric``);
- linear top-1 (frozen encoder + new linear classifier, trained on the training
  subjects' labels) for each stream, and the 3-stream fusion of the streams' scores;

for random-init (the floor), MoCo, CMD and the same encoder trained with labels from
scratch (supervised: its own classifier is the "linear" column, its encoder features
the kNN one). The kNN curve during pretraining is measured on the training subjects
only (bank 1, 3, 5, queries 7, 9). Every run goes through ``tools/train.py`` /
``tools/test.py`` with the configs named below (in this process, one after another).
Writes ``docs/results_msr_action3d.md`` (mean ± std over seeds, the time taken) and
``docs/results_msr_action3d_knn_curve.png``::

    python tools/analysis/real_data_study.py                      # 3 seeds, ~45 min
    python tools/analysis/real_data_study.py --tiny --out-dir /tmp/study   # smoke run
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
import tempfile
import time
import uuid

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)

CONFIGS = dict(
    cmd='configs/cmd/cmd_bigru-h128_1xb32-120e_msr-xsub-3d.py',
    moco='configs/moco/moco_bigru-h128_1xb32-120e_msr-xsub-3d.py',
    knn='configs/knn/knn_bigru-h128_msr-xsub-3d.py',
    linear='configs/linear/linear_bigru-h128_1xb32-20e_msr-xsub-3d-{}.py',
    supervised='configs/supervised/bigru-h128_1xb32-40e_msr-xsub-3d-joint.py')
STREAMS = ('joint', 'motion', 'bone')
METHODS = ('random-init', 'moco', 'cmd', 'supervised')
FUSED = 'fused'
TINY = ['model.backbone.hidden=8', 'model.backbone.num_layers=1']


def build_parser(description, work_dir):
    """The options shared with tools/analysis/msr_ablation.py."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--data-dir', default=osp.join(ROOT, '..', 'shared', 'data',
                                                       'msr_action3d'))
    parser.add_argument('--ann-file', default=osp.join(ROOT, 'data', 'msr_action3d',
                                                       'msr_action3d.pkl'),
                        help='converted data (made from --data-dir if absent)')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs', work_dir))
    parser.add_argument('--out-dir', default=osp.join(ROOT, 'docs'),
                        help='where the Markdown results (and PNG) go')
    parser.add_argument('--tiny', action='store_true',
                        help='tiny encoders, 1-2 epochs, one seed: checks the pipeline only')
    return parser


def parse_args(argv=None):
    parser = build_parser(__doc__.splitlines()[0], 'msr_study')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    return parser.parse_args(argv)


class Study:
    """Runs the configs through tools/train.py and tools/test.py and keeps the metrics."""

    def __init__(self, args):
        from tools import test as test_tool
        from tools import train as train_tool
        self.train_tool, self.test_tool = train_tool, test_tool
        self.args = args
        # --tiny: 2 epochs of 8-unit encoders (pretraining head / classifier to match)
        epochs = ['train_cfg.max_epochs=2', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1']
        self.tiny_ssl = TINY + epochs + ['model.head.in_channels=16',
                                         'model.head.hid_channels=16'] if args.tiny else []
        self.tiny_cls = TINY + epochs + ['model.cls_head.in_channels=16'] if args.tiny else []
        self.workers = ['train_dataloader.num_workers=0',
                        'train_dataloader.persistent_workers=False',
                        'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
                        'test_dataloader.num_workers=0',
                        'test_dataloader.persistent_workers=False'] if args.tiny else []

    def _data(self, knn):
        ann = self.args.ann_file
        if knn:
            return [f'train_dataloader.dataset.ann_file={ann}'] + [
                f'{loader}.dataset.{part}.ann_file={ann}'
                for loader in ('val_dataloader', 'test_dataloader') for part in ('bank', 'query')]
        return [f'{loader}.dataset.ann_file={ann}'
                for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]

    def _options(self, knn, *more):
        return ['--cfg-options', *self._data(knn), *self.workers,
                f'experiment_name=study_{uuid.uuid4().hex[:8]}', *more]

    def pretrain(self, method, seed, tag=None, *more):
        """Pretrain CONFIGS[method] (``more``: extra cfg-options) in work_dir/seed*/tag."""
        work = osp.join(self.args.work_dir, f'seed{seed}', tag or method)
        runner = self.train_tool.main([CONFIGS[method], '--work-dir', work, '--seed', str(seed),
                                       *self._options(True, *self.tiny_ssl, *more)])
        epochs = runner.max_epochs
        del runner
        return osp.join(work, f'epoch_{epochs}.pth'), knn_curve(work)

    def knn(self, checkpoint, seed, tag):
        """kNN top-1 per stream and fused on the test subjects."""
        work = osp.join(self.args.work_dir, f'seed{seed}', f'knn_{tag}')
        metrics = self.test_tool.main([CONFIGS['knn'], checkpoint, '--work-dir', work,
                                       *self._options(True, *self.tiny_ssl,
                                                      f'randomness.seed={seed}')])
        return {s: metrics[f'knn/{s}_top1'] for s in STREAMS + (FUSED, )}

    def classifier(self, config, seed, tag, *more):
        """Train a classifier config; return its test-subject dump."""
        work = osp.join(self.args.work_dir, f'seed{seed}', tag)
        opts = self._options(False, *self.tiny_cls, *more)
        runner = self.train_tool.main([config, '--work-dir', work, '--seed', str(seed), *opts])
        ckpt = osp.join(work, f'epoch_{runner.max_epochs}.pth')
        del runner
        dump = osp.join(work, 'test_dump.pkl')
        self.test_tool.main([config, ckpt, '--work-dir', work, '--dump', dump, *opts])
        return ckpt, dump


def knn_curve(work_dir):
    """(epoch, fused kNN top-1 on the held-out training subjects) from the val logs."""
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
    from run_logs import val_history
    return [(row['step'], row['knn/fused_top1'])
            for row in val_history(work_dir, 'knn/fused_top1')]


def dump_top1(dumps):
    """Top-1 of each stream's dump and of their equal-weight score fusion."""
    from cmd_mmaction.evaluation.fusion import fuse_scores, topk_accuracy
    from cmd_mmaction.evaluation.prediction_dump import (load_prediction_dump,
                                                         scores_and_labels)
    scores, labels = {}, None
    for stream, path in dumps.items():
        scores[stream], labels = scores_and_labels(load_prediction_dump(path), source=path)
    result = {s: topk_accuracy(scores[s], labels, (1, ))[1] for s in dumps}
    result[FUSED] = topk_accuracy(fuse_scores([scores[s] for s in STREAMS]), labels, (1, ))[1]
    return result


def supervised_as_cmd(checkpoints, out):
    """The three supervised encoders in a CMD checkpoint layout (for the kNN test)."""
    import torch

    from cmd_mmaction.engine import trust_checkpoint
    state = {}
    for stream, path in checkpoints.items():
        trust_checkpoint(path)
        sd = torch.load(path, map_location='cpu', weights_only=False)['state_dict']
        state.update({f'encoder_q.{stream}.{k}': v for k, v in sd.items()
                      if k.startswith('backbone.')})
    torch.save({'state_dict': state, 'meta': {}}, out)
    trust_checkpoint(out)
    return out


def run_seed(study, seed):
    results = {m: {} for m in METHODS}
    curves, ckpts = {}, {'random-init': None}
    for method in ('moco', 'cmd'):
        ckpts[method], curves[method] = study.pretrain(method, seed)
    for method in ('random-init', 'moco', 'cmd'):
        results[method]['knn'] = study.knn(ckpts[method] or 'random-init', seed, method)
        dumps = {}
        for stream in STREAMS:
            init = ([f'model.backbone.init_cfg.checkpoint={ckpts[method]}'] if ckpts[method]
                    else ['model.backbone.init_cfg=None'])
            _, dumps[stream] = study.classifier(CONFIGS['linear'].format(stream), seed,
                                                f'linear_{method}_{stream}', *init)
        results[method]['linear'] = dump_top1(dumps)
    sup_ckpts, dumps = {}, {}
    for stream in STREAMS:
        pipeline = (f"{loader}.dataset.pipeline.3.modalities=['{stream}']"
                    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'))
        sup_ckpts[stream], dumps[stream] = study.classifier(
            CONFIGS['supervised'], seed, f'supervised_{stream}', *pipeline)
    results['supervised']['linear'] = dump_top1(dumps)
    merged = supervised_as_cmd(sup_ckpts, osp.join(study.args.work_dir, f'seed{seed}',
                                                   'supervised_as_cmd.pth'))
    results['supervised']['knn'] = study.knn(merged, seed, 'supervised')
    return results, curves


# ----------------------------------------------------------------------------- report
def mean_std(values):
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{100 * mean:.1f} ± {100 * std:.1f}'


def table(per_seed, protocol):
    lines = [f'| {protocol} top-1 (%) | ' + ' | '.join(STREAMS + ('3-stream fusion', )) + ' |',
             '| --- |' + ' ---: |' * (len(STREAMS) + 1)]
    for method in METHODS:
        cells = [mean_std([r[method][protocol][s] for r in per_seed]) for s in STREAMS + (FUSED, )]
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot_curves(curves_per_seed, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for method in ('moco', 'cmd'):
        runs = [c[method] for c in curves_per_seed]
        epochs = [e for e, _ in runs[0]]
        mean = [statistics.mean(run[i][1] for run in runs) * 100 for i in range(len(epochs))]
        ax.plot(epochs, mean, marker='o', label={'moco': 'MoCo x3', 'cmd': 'CMD'}[method])
    ax.set_xlabel('pretraining epoch')
    ax.set_ylabel('fused kNN top-1 (%)')
    ax.set_title('MSR Action3D, held-out training subjects 7, 9')
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    _atomic(path, lambda tmp: fig.savefig(tmp, format='png', dpi=110))
    plt.close(fig)


def _atomic(path, write):
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=osp.dirname(osp.abspath(path)), suffix='.tmp')
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def report(args, per_seed, curves, seconds, png_name):
    cmd_knn = [r['cmd']['knn'][FUSED] for r in per_seed]
    moco_knn = [r['moco']['knn'][FUSED] for r in per_seed]
    cmd_lin = [r['cmd']['linear'][FUSED] for r in per_seed]
    moco_lin = [r['moco']['linear'][FUSED] for r in per_seed]
    verdict = (f'fused kNN: CMD {mean_std(cmd_knn)} vs MoCo {mean_std(moco_knn)}; fused linear: '
               f'CMD {mean_std(cmd_lin)} vs MoCo {mean_std(moco_lin)} (per seed, CMD - MoCo '
               f'kNN: {", ".join(f"{100 * (c - m):+.1f}" for c, m in zip(cmd_knn, moco_knn))})')
    mode = ' (TINY smoke run: not a result)' if args.tiny else ''
    return f'''# MSR Action3D: CMD vs MoCo on real recorded skeletons{mode}

Generated by `python tools/analysis/real_data_study.py` (seeds {args.seeds}); the whole
study took **{seconds / 60:.1f} minutes** on this machine ({os.cpu_count()} CPU cores).

Data: MSR Action3D, the 557 standard sequences (`files_used_in_cvpr12_paper.txt`), 20
actions, 20 Kinect joints, one person; cross-subject: pretraining and classifier training
on subjects 1, 3, 5, 7, 9 (284 clips), evaluation on 2, 4, 6, 8, 10 (273 clips), once per
final run. Encoder: BiGRU (official feeding) hidden 128 x 2 layers, 32-frame clips.
Preprocessing: CMD's own pre-normalisation with the msr20 joints
(`CMDPreNormalize`, docs/preprocessing.md).
Pretraining (`{CONFIGS["cmd"]}`, `{CONFIGS["moco"]}`): 120 epochs, batch 32, SGD lr 0.1
(x0.1 after 100), queue 64, top-k 32, momentum 0.99, the official temperatures and
augmentations; MoCo is the same model without the distillation term.
Linear: `{CONFIGS["linear"].format("<stream>")}` (frozen
encoder, 20 epochs). Supervised: `{CONFIGS["supervised"]}` (same encoder + classifier from
scratch, all training labels). Random-init: the same frozen encoder at initialisation.
kNN: `{CONFIGS["knn"]}` (bank: all training subjects).
Fusion: kNN over the mean of the three streams' similarities; linear over the mean of the
three classifiers' scores. Mean ± sample std over seeds.

{table(per_seed, "knn")}

{table(per_seed, "linear")}

(For supervised, "linear" is its own classifier and "knn" uses its encoders' features.)

**CMD vs MoCo:** {verdict}.

![kNN during pretraining]({png_name})

The curve is the fused kNN top-1 on the held-out *training* subjects 7 and 9 (bank:
subjects 1, 3, 5), measured every 20 epochs during pretraining; the test subjects are not
used there.

Hyper-parameters were not tuned on the test subjects; see the discussion below for
how they were chosen.
'''


def write_text_atomic(path, text):
    def write(tmp):
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)

    _atomic(path, write)


def ensure_data(args):
    if osp.isfile(args.ann_file):
        return
    if not osp.isdir(args.data_dir):
        raise FileNotFoundError(f'{args.data_dir}: MSR Action3D not found (expected '
                                '../shared/data/msr_action3d beside the repository)')
    from cmd_mmaction.datasets.converters.msr_action3d import convert_msr_action3d
    os.makedirs(osp.dirname(osp.abspath(args.ann_file)), exist_ok=True)
    convert_msr_action3d(args.data_dir, args.ann_file)


def main(argv=None):
    args = parse_args(argv)
    if args.tiny:
        args.seeds = args.seeds[:1]
    import cmd_mmaction  # noqa: F401  registers everything
    ensure_data(args)
    start = time.time()
    study = Study(args)
    per_seed, curves = [], []
    for seed in args.seeds:
        print(f'real_data_study: seed {seed} ({time.time() - start:.0f} s so far)', flush=True)
        results, curve = run_seed(study, seed)
        per_seed.append(results)
        curves.append(curve)
    seconds = time.time() - start
    png = 'results_msr_action3d_knn_curve.png'
    plot_curves(curves, osp.join(args.out_dir, png))
    text = report(args, per_seed, curves, seconds, png)
    md = osp.join(args.out_dir, 'results_msr_action3d.md')
    # kept across regenerations: the study before the preprocessing fix, then the
    # hand-written analysis
    for name in ('results_msr_action3d_prenormalize3d.md', 'results_msr_action3d_discussion.md'):
        extra = osp.join(args.out_dir, name)
        if osp.isfile(extra):
            with open(extra, encoding='utf-8') as f:
                text += '\n' + f.read()

    write_text_atomic(md, text)
    _atomic(osp.join(args.work_dir, 'results.json'), lambda tmp: json.dump(
        dict(seeds=args.seeds, results=per_seed, curves=curves, seconds=seconds),
        open(tmp, 'w')))
    print(text)
    return dict(results=per_seed, curves=curves, seconds=seconds, markdown=md)


if __name__ == '__main__':
    main()
