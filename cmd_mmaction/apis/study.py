"""The real-data study runner behind ``tools/analysis/*_study.py``.

For each seed, without labels on the training part: pretrain plain per-modality MoCo
and CMD (same encoders and schedule), then evaluate once on the test part:

- kNN top-1 (k = 1, cosine; bank = the training part) for joint, motion, bone and their
  fusion: the test loader of the pretraining config (``KNNMetric``);
- linear top-1 (frozen encoder + new linear classifier, trained with the training
  labels) for each stream, and the 3-stream fusion of the streams' scores;

for random-init (the floor), MoCo, CMD and the same encoder trained with labels from
scratch (supervised: its own classifier is the "linear" column, its encoder features
the kNN one). The kNN curve during pretraining is the pretraining configs' monitor, on
the training part only. Every run goes through the programs of ``tools/train.py`` /
``tools/test.py`` (in this process, one after another; ``--jobs 2`` runs seeds in
parallel processes of one thread each, which is faster on two cores than one process
with two threads).
"""
import argparse
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Sequence, Tuple

from ..utils.atomic_io import write_text_atomic
from . import test as test_program
from . import train as train_program
from .run_logs import final_losses, loss_history, val_history

STREAMS = ('joint', 'motion', 'bone')
PRETRAINED = ('moco', 'cmd')
FUSED = 'fused'
#: work dirs (below work_dir/seed<k>/) of a row's linear classifier and of supervised
LINEAR_TAG, SUPERVISED_TAG = 'linear_{}_{}', 'supervised_{}'
#: a classifier's test predictions, in its work dir
TEST_DUMP = 'test_dump.pkl'
#: tiny BiGRU encoders (--tiny: checks the pipeline only)
TINY_BIGRU = ['backbone.hidden=8', 'backbone.num_layers=1', 'neck.in_channels=16',
              'neck.hid_channels=16', 'cls_head.in_channels=16']


@dataclass
class StudySpec:
    """One dataset's study: its configs, data and page.

    ``configs``: ``cmd`` / ``moco`` (pretraining; their test loader is the kNN
    protocol), ``linear`` (with ``{}`` for the stream) and ``supervised``, paths
    relative to the repository. ``convert(data_dir, ann_file)`` writes the pickle;
    ``describe()`` returns the page's paragraph on data, encoder and schedule.
    """
    name: str
    title: str
    data_dir: str
    ann_file: str
    convert: Callable[[str, str], None]
    configs: Dict[str, str]
    page: str
    curve_png: str
    curve_title: str
    describe: Callable[[], str]
    heading: str = ''
    monitor: str = ''                # what the kNN curve measures (for the page)
    kept_pages: Sequence[str] = ()   # hand-written fragments appended to the page
    extra_report: Optional[Callable] = None  # (args, per_seed) -> more Markdown
    tiny: Sequence[str] = field(default_factory=lambda: list(TINY_BIGRU))
    # the recipe ablation (tools/analysis/recipe_ablation.py): (name, method, cfg-options)
    ablation_variants: Sequence[tuple] = ()
    ablation_page: str = ''
    ablation_scope: str = ''         # where the variants are scored (for the page)
    # more variant lists (recipe_ablation.py --ablation NAME): name -> (variants, page)
    more_ablations: Dict[str, tuple] = field(default_factory=dict)
    tsne_png: str = ''               # t-SNE of the first seed's CMD joint features (test part)
    loss_png: str = ''               # the pretrained rows' losses against epoch (mean over seeds)
    # more pretrained rows of the study, evaluated on the test part like MoCo and CMD:
    # (row name, 'cmd' or 'moco', cfg-options); chosen on the training part beforehand
    variants: Sequence[tuple] = ()

    @property
    def methods(self) -> Tuple[str, ...]:
        """The study's rows: the floor, the pretrained methods, the ceiling."""
        return ('random-init', *PRETRAINED, *(name for name, _, _ in self.variants),
                'supervised')

    def pretrainings(self):
        """``(row, work-dir tag, method, cfg-options)`` of every pretrained row."""
        yield from ((m, m, m, ()) for m in PRETRAINED)
        for i, (name, method, options) in enumerate(self.variants):
            yield name, f'variant{i}_{method}', method, tuple(options)


def ablation_of(spec: StudySpec, name: str = 'default') -> Tuple[Sequence[tuple], str]:
    """``(variants, page)`` of the spec's default ablation or of a named one."""
    if name == 'default':
        return spec.ablation_variants, spec.ablation_page
    if name not in spec.more_ablations:
        raise ValueError(f'{spec.name} has no ablation {name!r} (it has: default, '
                         f'{", ".join(spec.more_ablations) or "nothing else"})')
    return spec.more_ablations[name]


def build_parser(description: str, root: str, spec: StudySpec, work_dir: str):
    """The options every study / ablation script takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--data-dir', default=spec.data_dir)
    parser.add_argument('--ann-file', default=spec.ann_file,
                        help='converted data (made from --data-dir if absent)')
    parser.add_argument('--work-dir', default=osp.join(root, 'work_dirs', work_dir))
    parser.add_argument('--out-dir', default=osp.join(root, 'docs'),
                        help='where the Markdown results (and PNG) go')
    parser.add_argument('--tiny', action='store_true',
                        help='tiny encoders, 1-2 epochs, one seed: checks the pipeline only')
    parser.add_argument('--jobs', type=int, default=1,
                        help='seeds run in parallel processes of one thread each')
    parser.add_argument('--partial-json', help=argparse.SUPPRESS)  # a --jobs worker's output
    return parser


class Study:
    """Runs the configs through the train / test programs and keeps the metrics."""

    def __init__(self, spec: StudySpec, args):
        self.spec, self.args = spec, args
        epochs = ['train_cfg.max_epochs=2', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1']
        self.tiny = list(spec.tiny) + epochs if args.tiny else []
        self.workers = [f'{loader}.{opt}'
                        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
                        for opt in ('num_workers=0', 'persistent_workers=False')
                        ] if args.tiny else []

    def _options(self, *more):
        return ['--cfg-options', f'ann_file={self.args.ann_file}', *self.workers,
                f'experiment_name=study_{uuid.uuid4().hex[:8]}', *self.tiny, *more]

    def _work(self, seed, tag):
        return run_dir(self.args.work_dir, seed, tag)

    def pretrain(self, method: str, seed: int, tag: Optional[str] = None, *more):
        """Pretrain ``configs[method]`` (``more``: extra cfg-options) in work_dir/seed*/tag;
        returns (final checkpoint, kNN monitor curve)."""
        work = self._work(seed, tag or method)
        runner = train_program.main([self.spec.configs[method], '--work-dir', work,
                                     '--seed', str(seed), *self._options(*more)])
        epochs = runner.max_epochs
        del runner
        return osp.join(work, f'epoch_{epochs}.pth'), knn_curve(work)

    def knn(self, checkpoint: str, seed: int, tag: str) -> Dict[str, float]:
        """kNN top-1 per stream and fused on the test part (bank: the training part)."""
        metrics = test_program.main([self.spec.configs['cmd'], checkpoint, '--work-dir',
                                     self._work(seed, f'knn_{tag}'),
                                     *self._options(f'randomness.seed={seed}')])
        return {s: metrics[f'knn/{s}_top1'] for s in STREAMS + (FUSED, )}

    def classifier(self, config: str, seed: int, tag: str, *more):
        """Train a classifier config; returns (its checkpoint, its test dump)."""
        work = self._work(seed, tag)
        opts = self._options(*more)
        runner = train_program.main([config, '--work-dir', work, '--seed', str(seed), *opts])
        ckpt = osp.join(work, f'epoch_{runner.max_epochs}.pth')
        del runner
        dump = osp.join(work, TEST_DUMP)
        test_program.main([config, ckpt, '--work-dir', work, '--dump', dump, *opts])
        return ckpt, dump

    def tsne(self, seed: int, out: str) -> None:
        """t-SNE PNG of the joint features of the test part: the seed's CMD encoder beside
        the random-init one."""
        import glob

        from ..utils import load_config
        from .embeddings import RANDOM_INIT, tsne_png
        cfg = load_config(self.spec.configs['cmd'], self._options()[1:])
        ckpts = glob.glob(osp.join(self._work(seed, 'cmd'), 'epoch_*.pth'))
        if not ckpts:
            raise FileNotFoundError(f'{self._work(seed, "cmd")}: no CMD checkpoint for t-SNE')
        ckpt = max(ckpts, key=lambda p: int(osp.basename(p)[len('epoch_'):-len('.pth')]))
        tsne_png(cfg, [('CMD', ckpt), ('random init', RANDOM_INIT)], out, 'joint',
                 title=f'{self.spec.title}, test part (seed {seed}): joint features')

    def run_seed(self, seed: int):
        """Every method x protocol x stream cell of one seed, the pretraining curves and
        each pretraining's last monitor value (``'monitor'``: training part only), last
        logged losses (``'losses'``) and losses per epoch (``'loss_curves'``); for every row
        how its three linear classifiers agree (``'complementarity'``)."""
        configs = self.spec.configs
        results = {m: {} for m in self.spec.methods}
        curves, ckpts, tags = {}, {'random-init': None}, {'random-init': 'random-init'}
        for row, tag, method, options in self.spec.pretrainings():
            ckpts[row], curves[row] = self.pretrain(method, seed, tag, *options)
            results[row]['monitor'] = final_knn(osp.dirname(ckpts[row]))
            results[row]['losses'] = final_losses(osp.dirname(ckpts[row]))
            results[row]['loss_curves'] = loss_history(osp.dirname(ckpts[row]))
            tags[row] = tag
        for row, tag in tags.items():
            results[row]['knn'] = self.knn(ckpts[row] or 'random-init', seed, tag)
            dumps = {}
            for stream in STREAMS:
                _, dumps[stream] = self.classifier(configs['linear'].format(stream), seed,
                                                   LINEAR_TAG.format(tag, stream),
                                                   f'pretrained={ckpts[row]}')
            results[row].update(linear_results(dumps))
        sup_ckpts, dumps = {}, {}
        for stream in STREAMS:
            sup_ckpts[stream], dumps[stream] = self.classifier(
                configs['supervised'], seed, SUPERVISED_TAG.format(stream),
                f'model.modality={stream}')
        results['supervised'].update(linear_results(dumps))
        merged = supervised_as_cmd(sup_ckpts, self._work(seed, 'supervised_as_cmd.pth'))
        results['supervised']['knn'] = self.knn(merged, seed, 'supervised')
        return results, curves


def knn_curve(work_dir: str):
    """(epoch, fused kNN top-1 of the monitor) from the validation logs."""
    return [(row['step'], row['knn/fused_top1'])
            for row in val_history(work_dir, 'knn/fused_top1')]


def final_knn(work_dir: str) -> Dict[str, float]:
    """kNN top-1 per stream and fused at the last validation of a pretraining run."""
    row = val_history(work_dir, f'knn/{FUSED}_top1')[-1]
    return {s: float(row[f'knn/{s}_top1']) for s in STREAMS + (FUSED, )}


def run_dir(work_dir: str, seed: int, tag: str) -> str:
    """Where one seed's run ``tag`` (a pretraining, kNN test or classifier) works."""
    return osp.join(work_dir, f'seed{seed}', tag)


def linear_dumps(spec: StudySpec, work_dir: str, seed: int) -> Dict[str, Dict[str, str]]:
    """``{row: {stream: test dump of its linear classifier}}`` of one seed's work dir
    (``run_seed``'s layout; supervised: its own classifiers)."""
    tags = {'random-init': 'random-init'}
    tags.update({row: tag for row, tag, _, _ in spec.pretrainings()})
    dirs = {row: {s: LINEAR_TAG.format(tag, s) for s in STREAMS} for row, tag in tags.items()}
    dirs['supervised'] = {s: SUPERVISED_TAG.format(s) for s in STREAMS}
    return {row: {s: osp.join(run_dir(work_dir, seed, d), TEST_DUMP)
                  for s, d in streams.items()} for row, streams in dirs.items()}


def fill_from_work_dirs(spec: StudySpec, args, per_seed) -> None:
    """Add what the saved results of an older run lack, from its work dirs where they are
    still there (``--report-only``): ``'losses'`` and ``'loss_curves'`` of the pretrained
    rows, ``'complementarity'`` of every row's linear classifiers."""
    readers = dict(losses=final_losses, loss_curves=loss_history)
    for seed, results in zip(args.seeds, per_seed):
        for row, tag, _, _ in spec.pretrainings():
            work = run_dir(args.work_dir, seed, tag)
            for key, read in readers.items():
                if row in results and key not in results[row] and osp.isdir(work):
                    results[row][key] = read(work)
        for row, dumps in linear_dumps(spec, args.work_dir, seed).items():
            if (row in results and 'complementarity' not in results[row]
                    and all(osp.isfile(p) for p in dumps.values())):
                results[row]['complementarity'] = linear_results(dumps)['complementarity']


def linear_results(dumps: Dict[str, str]) -> Dict[str, Dict[str, float]]:
    """From the streams' classifier dumps (each read once): ``'linear'``, the top-1 of
    each stream and of their equal-weight score fusion, and ``'complementarity'``, how
    often the streams agree and how often one of them is right."""
    from ..evaluation.fusion import fuse_scores, stream_complementarity, topk_accuracy
    from ..evaluation.prediction_dump import load_prediction_dump, scores_and_labels
    scores, labels = {}, None
    for stream, path in dumps.items():
        scores[stream], labels = scores_and_labels(load_prediction_dump(path), source=path)
    streams = [scores[s] for s in STREAMS]
    top1 = {s: topk_accuracy(scores[s], labels, (1, ))[1] for s in dumps}
    top1[FUSED] = topk_accuracy(fuse_scores(streams), labels, (1, ))[1]
    return dict(linear=top1, complementarity=stream_complementarity(streams, labels))


def supervised_as_cmd(checkpoints: Dict[str, str], out: str) -> str:
    """The three supervised encoders in a CMD checkpoint layout (for the kNN test)."""
    import torch

    from ..engine import trust_checkpoint
    from ..utils.atomic_io import torch_save_atomic
    state = {}
    for stream, path in checkpoints.items():
        trust_checkpoint(path)
        sd = torch.load(path, map_location='cpu', weights_only=False)['state_dict']
        state.update({f'encoder_q.{stream}.{k}': v for k, v in sd.items()
                      if k.startswith('backbone.')})
    torch_save_atomic({'state_dict': state, 'meta': {}}, out)
    trust_checkpoint(out)
    return out


# ----------------------------------------------------------------------------- report
def mean_std(values: Sequence[float]) -> str:
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{100 * mean:.1f} ± {100 * std:.1f}'


def table(per_seed, protocol: str, methods: Sequence[str],
          extra_rows: Sequence[str] = ()) -> str:
    """Mean ± std per stream and fused of the methods that have the protocol."""
    lines = [f'| {protocol} top-1 (%) | ' + ' | '.join(STREAMS + ('3-stream fusion', )) + ' |',
             '| --- |' + ' ---: |' * (len(STREAMS) + 1)]
    for method in methods:
        if not all(protocol in r.get(method, {}) for r in per_seed):
            continue  # e.g. 'monitor' of random-init, or results saved before it existed
        cells = [mean_std([r[method][protocol][s] for r in per_seed]) for s in STREAMS + (FUSED, )]
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    lines.extend(extra_rows)
    return '\n'.join(lines)


def loss_table(per_seed, rows: Sequence[str], chance: float) -> str:
    """Each pretrained row's last logged InfoNCE per stream and distillation loss
    (mean ± std over seeds); empty when the results hold no losses."""
    rows = [r for r in rows if all('losses' in seed.get(r, {}) for seed in per_seed)]
    if not rows:
        return ''
    keys = [f'loss_moco_{s}' for s in STREAMS] + ['loss_cmd']
    lines = ['| last epoch | ' + ' | '.join(f'InfoNCE {s}' for s in STREAMS) + ' | `loss_cmd` |',
             '| --- |' + ' ---: |' * len(keys)]
    for row in rows:
        cells = []
        for key in keys:
            values = [seed[row]['losses'].get(key) for seed in per_seed]
            if any(v is None for v in values):
                cells.append('–')
                continue
            std = statistics.stdev(values) if len(values) > 1 else 0.0
            cells.append(f'{statistics.mean(values):.2f} ± {std:.2f}')
        lines.append(f'| {row} | ' + ' | '.join(cells) + ' |')
    return f'''
Training losses at the last epoch (mmengine's mean over the last logged window of
iterations; InfoNCE at chance is ln(K + 1) = {chance:.2f} for the queue of K; `loss_cmd`
is the distillation summed over the pairs):

{chr(10).join(lines)}
'''


def _infonce_chance(config: str) -> float:
    """ln(K + 1) for the queue length K of a pretraining config."""
    import math

    from mmengine.config import Config
    return math.log(Config.fromfile(config).model.queue_len + 1)


def verdict(per_seed, rows: Sequence[str] = ('cmd', )) -> str:
    """Each row (CMD, its variants) against MoCo on the fused numbers, per-seed differences."""
    def get(method, protocol):
        return [r[method][protocol][FUSED] for r in per_seed]

    parts = []
    for row in rows:
        name = 'CMD' if row == 'cmd' else row
        for protocol, label in (('knn', 'kNN'), ('linear', 'linear')):
            ours, moco = get(row, protocol), get('moco', protocol)
            diffs = ', '.join(f'{100 * (a - b):+.1f}' for a, b in zip(ours, moco))
            parts.append(f'fused {label}: {name} {mean_std(ours)} vs MoCo {mean_std(moco)} '
                         f'(per seed, {name} - MoCo: {diffs})')
    return '; '.join(parts)


def _curve_label(row: str) -> str:
    """A study row's name in the plots' legends."""
    return {'moco': 'MoCo x3', 'cmd': 'CMD'}.get(row, row)


def _mean_curve(runs, scale: float = 1.0):
    """``[(epoch, value), ...]`` of several seeds (same epochs) -> their mean x scale."""
    return [(epoch, statistics.mean(run[i][1] for run in runs) * scale)
            for i, (epoch, _) in enumerate(runs[0])]


def plot_mean_curves(curves_per_seed, path: str, title: str) -> None:
    """Mean fused kNN monitor against epoch, MoCo, CMD and the variants run (PNG)."""
    from .plots import plot_curves
    series = {_curve_label(method): _mean_curve([c[method] for c in curves_per_seed], 100)
              for method in curves_per_seed[0]}
    plot_curves(series, path, title, 'fused kNN top-1 (%)')


def complementarity_table(per_seed, methods: Sequence[str]) -> str:
    """Per row: best single stream, the fusion, and what bounds the fusion's gain (how
    often two streams' linear classifiers agree, how often one of them is right); empty
    when the results hold none of it."""
    methods = [m for m in methods if all('complementarity' in seed.get(m, {})
                                         for seed in per_seed)]
    if not methods:
        return ''
    lines = ['| linear, test part (%) | best stream | 3-stream fusion | two streams agree '
             '(mean of pairs) | at least one stream right |',
             '| --- |' + ' ---: |' * 4]
    for m in methods:
        best = mean_std([max(seed[m]['linear'][s] for s in STREAMS) for seed in per_seed])
        fused = mean_std([seed[m]['linear'][FUSED] for seed in per_seed])
        agree, oracle = (mean_std([seed[m]['complementarity'][k] for seed in per_seed])
                         for k in ('agreement', 'oracle'))
        lines.append(f'| {m} | {best} | {fused} | {agree} | {oracle} |')
    return f'''
What fusing the streams can add: the best single stream's linear top-1, the fusion's,
how often two streams' classifiers predict the same class (mean of the three pairs) and
how often at least one of them is right (the ceiling of any fusion of their predictions):

{chr(10).join(lines)}
'''


def has_loss_curves(spec: StudySpec, per_seed) -> bool:
    """Whether every pretrained row of every seed kept its losses per epoch."""
    return all('loss_curves' in seed.get(row, {}) for seed in per_seed
               for row, _, _, _ in spec.pretrainings())


def plot_loss_curves(spec: StudySpec, per_seed, path: str) -> bool:
    """InfoNCE per stream (and the distillation loss where a row has one) against epoch,
    mean over seeds, one line per pretrained row, chance ln(K + 1) dashed (PNG). Returns
    False, writing nothing, when a row of some seed has no loss curves (an old run)."""
    from .plots import plot_panels
    if not has_loss_curves(spec, per_seed):
        return False
    rows = [row for row, _, _, _ in spec.pretrainings()]
    keys = [f'loss_moco_{s}' for s in STREAMS] + ['loss_cmd']
    titles = [f'InfoNCE {s}' for s in STREAMS] + ['loss_cmd (distillation, sum over pairs)']
    panels = {}
    for key, title in zip(keys, titles):
        series = {}
        for row in rows:
            runs = [seed[row]['loss_curves'].get(key) for seed in per_seed]
            if any(run is None for run in runs):
                continue  # MoCo has no distillation loss
            series[_curve_label(row)] = _mean_curve(runs)
        if series:
            panels[title] = series
    chance = _infonce_chance(spec.configs['cmd'])
    at_chance = (chance, f'chance, ln(K + 1) = {chance:.2f}')
    plot_panels(panels, path, 'loss (epoch mean, mean over seeds)',
                {title: at_chance for title in panels if title.startswith('InfoNCE')},
                f'{spec.title}: pretraining losses', columns=2)
    return True


def report(spec: StudySpec, args, per_seed, seconds: float) -> str:
    """The generated part of a study's results page."""
    mode = ' (TINY smoke run: not a result)' if args.tiny else ''
    rows = [name for name, _, _ in spec.variants]
    monitored = table(per_seed, 'monitor', spec.methods)
    monitor = (f'''
The pretraining monitor after the last epoch: kNN top-1 on {spec.ablation_scope}, the
protocol the recipes were chosen with (the test part is not used):

{monitored}
''' if len(monitored.splitlines()) > 2 else '')
    losses = loss_table(per_seed, [m for m, _, _, _ in spec.pretrainings()],
                        _infonce_chance(spec.configs['cmd']))
    if losses and spec.loss_png and has_loss_curves(spec, per_seed):
        losses += f'''
![pretraining losses against epoch]({spec.loss_png})

The same losses at every epoch (mean over seeds; the dashed line is InfoNCE at chance, which
`loss_cmd` does not share).
'''
    extra = spec.extra_report(args, per_seed) if spec.extra_report else ''
    tsne = (f'''
![t-SNE of the joint features of the test part]({spec.tsne_png})

t-SNE of the joint-stream representations of the test part, coloured by class: the CMD
encoder of seed {args.seeds[0]} (left) and the same encoder at its random initialisation
(right).
''' if spec.tsne_png else '')
    return f'''# {spec.heading}{mode}

Generated by `python tools/analysis/real_data_study.py --dataset {spec.name}` (seeds
{args.seeds}); the whole study took **{seconds / 60:.1f} minutes** on this machine
({os.cpu_count()} CPU cores{f', {args.jobs} seeds at a time' if args.jobs > 1 else ''}).

{spec.describe()}

{table(per_seed, "knn", spec.methods)}

{table(per_seed, "linear", spec.methods)}

(For supervised, "linear" is its own classifier and "knn" uses its encoders' features.)
{complementarity_table(per_seed, spec.methods)}{monitor}{losses}
**CMD vs MoCo:** {verdict(per_seed, ('cmd', *rows))}.

![kNN during pretraining]({spec.curve_png})

The curve is the mean fused kNN top-1 on {spec.monitor}. Hyper-parameters were not
tuned on the test part; see below for how they were chosen.
{tsne}{extra}'''


def append_kept_pages(text: str, out_dir: str, names: Sequence[str]) -> str:
    """Hand-written fragments (kept across regenerations) appended to a generated page."""
    for name in names:
        extra = osp.join(out_dir, name)
        if osp.isfile(extra):
            with open(extra, encoding='utf-8') as f:
                text += '\n' + f.read()
    return text


def ensure_data(spec: StudySpec, args) -> None:
    if osp.isfile(args.ann_file):
        return
    if not osp.isdir(args.data_dir):
        raise FileNotFoundError(f'{args.data_dir}: {spec.title} not found (expected the '
                                'third-party data in ../shared/data beside the repository)')
    spec.convert(args.data_dir, args.ann_file)


def run_seeds(spec: StudySpec, args, script: str, script_args: Sequence[str] = ()):
    """``(per-seed results, per-seed curves)``, in-process or in ``--jobs`` workers
    (``script script_args --seeds k --partial-json ...``)."""
    if args.jobs <= 1 or len(args.seeds) == 1:
        study = Study(spec, args)
        per_seed, curves, start = [], [], time.time()
        for seed in args.seeds:
            print(f'{spec.name}: seed {seed} ({time.time() - start:.0f} s so far)', flush=True)
            results, curve = study.run_seed(seed)
            per_seed.append(results)
            curves.append(curve)
        return per_seed, curves
    os.makedirs(args.work_dir, exist_ok=True)
    procs = []
    pending = list(args.seeds)
    done = {}
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    while pending or procs:
        while pending and len(procs) < args.jobs:
            seed = pending.pop(0)
            part = osp.join(args.work_dir, f'partial_seed{seed}.json')
            log = open(osp.join(args.work_dir, f'seed{seed}.log'), 'w')
            argv = [sys.executable, script, *script_args, '--seeds', str(seed),
                    '--partial-json', part,
                    '--data-dir', args.data_dir, '--ann-file', args.ann_file,
                    '--work-dir', args.work_dir, '--out-dir', args.out_dir]
            argv += ['--tiny'] if args.tiny else []
            print(f'{spec.name}: seed {seed} in a worker (log: {log.name})', flush=True)
            procs.append((seed, part, log, subprocess.Popen(argv, env=env, stdout=log,
                                                            stderr=subprocess.STDOUT)))
        time.sleep(2)
        for item in list(procs):
            seed, part, log, proc = item
            if proc.poll() is None:
                continue
            log.close()
            procs.remove(item)
            if proc.returncode != 0:
                for _, _, other_log, other in procs:
                    other.kill()
                raise RuntimeError(f'{spec.name}: the seed {seed} worker failed '
                                   f'(exit {proc.returncode}); see {log.name}')
            with open(part, encoding='utf-8') as f:
                done[seed] = json.load(f)
    order = [done[s] for s in args.seeds]
    return ([d['results'] for d in order],
            [{m: [tuple(p) for p in c] for m, c in d['curves'].items()} for d in order])


def write_partial(path: str, results, curves) -> None:
    write_text_atomic(path, json.dumps(dict(results=results[0], curves=curves[0])))
