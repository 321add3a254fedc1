"""The README's main job: generate the default data, pretrain CMD, evaluate by kNN.

Phases, one progress line each:

1. data: the procedural NTU-25 actions (``tools/data/generate_synthetic.py``) unless
   the pickle exists;
2. pretrain: CMD without labels on ``xsub_train`` (``tools/train.py``; the kNN
   monitor on ``xsub_val`` every few epochs);
3. evaluate: the final checkpoint and the seeded random initialisation with the kNN
   protocol (``tools/test.py``; bank ``xsub_train``, queries ``xsub_val``);
4. pictures: kNN top-1 against epoch, and a t-SNE of the joint features of
   ``xsub_val``, pretrained beside random-init (``tools/analysis/visualize_embeddings.py``).

Then the table of kNN top-1 per modality and fused, and the files written. mmengine's
logs (environment, config, every logged iteration, warnings) and the commands of each
step, the same tools a user runs by hand, go to ``<work-dir>/quickstart.log``;
``--verbose`` shows them live instead of the progress lines. Errors still appear in
full, after the last lines of that log.

Example::

    python tools/quickstart.py            # 2-6 minutes on 2 CPU cores
    python tools/quickstart.py --smoke    # tiny data and model: checks an install
"""
import argparse
import contextlib
import os
import os.path as osp
import sys
import time

from cmd_mmaction.apis import test as test_tool
from cmd_mmaction.apis import train as train_tool
from cmd_mmaction.engine import PhaseBar, ProgressHook, positive_int, set_threads
from cmd_mmaction.utils.output import redirect_output

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

CONFIG = osp.join(ROOT, 'configs/cmd/cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py')
DATA = osp.join(ROOT, 'data/synthetic/synthetic_ntu25.pkl')
# measured with the defaults on 2 otherwise idle CPU cores (README, "Run the main job")
EXPECTED = '2-6 minutes on 2 CPU cores'
STREAMS = ('joint', 'motion', 'bone', 'fused')

#: --smoke: 24 clips, an 8-unit encoder, one epoch (about a minute, mostly start-up)
SMOKE_DATA = dict(num_subjects=2, clips_per_class_per_subject=1, seed=0)
SMOKE_OPTIONS = [
    'backbone.hidden=8', 'backbone.num_layers=1', 'neck.in_channels=16',
    'neck.hid_channels=16', 'model.queue_len=10', 'model.distill.topk=4',
    'train_dataloader.batch_size=4', 'train_cfg.val_begin=1', 'train_cfg.val_interval=1'] + [
    f'{loader}.{opt}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    for opt in ('num_workers=0', 'persistent_workers=False')] + [
    f'{loader}.batch_size=4' for loader in ('val_dataloader', 'test_dataloader')]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--data', help='synthetic pickle, generated if absent (default: '
                        f'{osp.relpath(DATA, ROOT)}; with --smoke, one in the work dir)')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs/quickstart'))
    parser.add_argument('--epochs', type=int, help="override the config's epochs")
    parser.add_argument('--threads', type=positive_int, default=1,
                        help='torch threads (default 1: fastest on 2 cores, where more '
                        'threads compete with the data worker)')
    parser.add_argument('--smoke', action='store_true',
                        help='tiny data, encoder and one epoch: checks that everything runs')
    parser.add_argument('--verbose', action='store_true',
                        help="show mmengine's logs live instead of progress lines")
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra config overrides for training and testing')
    args = parser.parse_args(argv)
    if args.smoke:
        args.epochs = 1 if args.epochs is None else args.epochs
        args.cfg_options = SMOKE_OPTIONS + args.cfg_options
    if args.data is None:
        args.data = osp.join(args.work_dir, 'smoke_data.pkl') if args.smoke else DATA
    return args


def format_table(results):
    """Rows ``modality``, columns the evaluated models; kNN top-1 in percent."""
    names = list(results)
    keys = sorted({k for metrics in results.values() for k in metrics if k.endswith('_top1')},
                  key=lambda k: (k == 'knn/fused_top1', k))
    lines = ['| kNN top-1 (%) | ' + ' | '.join(names) + ' |',
             '| --- |' + ' ---: |' * len(names)]
    for key in keys:
        label = key[len('knn/'):-len('_top1')]
        cells = [f'{100 * results[n][key]:.1f}' if key in results[n] else '-' for n in names]
        lines.append(f'| {label} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


class Job:
    """The phases, with their output: progress lines to ``terminal``, commands and
    everything mmengine prints to the process's stdout (the log, unless --verbose)."""

    def __init__(self, args, terminal):
        self.args = args
        self.terminal = terminal
        self.bars = open(os.devnull, 'w') if args.verbose else terminal
        self.opts = [f'ann_file={args.data}'] + list(args.cfg_options)
        if args.epochs is not None:
            self.opts += [f'train_cfg.max_epochs={args.epochs}']
            if not args.smoke:
                self.opts += [f'train_cfg.val_begin={args.epochs}',
                              f'train_cfg.val_interval={args.epochs}']
        self.phase = 'start'

    def say(self, text=''):
        print(text, file=self.terminal, flush=True)

    def run(self, name, tool, argv, bar):
        print(f'\n==> python tools/{name}.py {" ".join(argv)}', flush=True)
        return tool.main(argv + ['--threads', str(self.args.threads)],
                         hooks=[ProgressHook(bar)])

    def data(self):
        self.phase = 'data'
        if osp.isfile(self.args.data):
            self.say(f'data      {rel(self.args.data)} (exists, reused)')
            return
        from cmd_mmaction.datasets.synthetic import write_dataset
        print(f'\n==> python tools/data/generate_synthetic.py --out {self.args.data}', flush=True)
        with PhaseBar('data', self.bars, unit='clips') as bar:
            write_dataset(self.args.data, progress=bar.set,
                          **(SMOKE_DATA if self.args.smoke else {}))

    def pretrain(self):
        self.phase = 'pretrain'
        self.train_dir = osp.join(self.args.work_dir, 'pretrain')
        # distinct experiment names: mmengine keys a run's logger by name + start second
        with PhaseBar('pretrain', self.bars, unit='iters') as bar:
            runner = self.run('train', train_tool,
                              [self.args.config, '--work-dir', self.train_dir, '--cfg-options',
                               *self.opts, 'experiment_name=quickstart_pretrain'], bar)
        self.epochs = runner.max_epochs
        self.checkpoint = osp.join(self.train_dir, f'epoch_{self.epochs}.pth')

    def evaluate(self):
        self.phase = 'evaluate'
        self.results = {}
        with PhaseBar('evaluate', self.bars, unit='batches') as bar:
            for name, ckpt in (('CMD pretrained', self.checkpoint),
                               ('random init', test_tool.RANDOM_INIT)):
                tag = name.replace(' ', '_')
                self.results[name] = self.run(
                    'test', test_tool,
                    [self.args.config, ckpt, '--work-dir', osp.join(self.args.work_dir, tag),
                     '--cfg-options', *self.opts, f'experiment_name=quickstart_{tag}'], bar)

    def pictures(self):
        self.phase = 'pictures'
        from cmd_mmaction.apis.embeddings import RANDOM_INIT, tsne_png
        from cmd_mmaction.apis.plots import plot_curves
        from cmd_mmaction.apis.run_logs import val_history
        from cmd_mmaction.utils import load_config
        self.curve_png = osp.join(self.args.work_dir, 'knn_curve.png')
        self.tsne_png = osp.join(self.args.work_dir, 'tsne_joint.png')
        with PhaseBar('pictures', self.bars, total=2, unit='PNGs') as bar:
            # epoch 0 is the random-init evaluation: the same seeded weights and protocol
            rows = [dict(step=0, **self.results['random init'])]
            rows += val_history(self.train_dir, 'knn/fused_top1')
            series = {s: [(r['step'], 100 * r[f'knn/{s}_top1']) for r in rows] for s in STREAMS}
            plot_curves(series, self.curve_png, 'CMD pretraining, kNN on xsub_val\n'
                        '(epoch 0: random init)', 'kNN top-1 (%)')
            bar.advance()
            print(f'\n==> python tools/analysis/visualize_embeddings.py {self.args.config} '
                  f'{self.checkpoint} --compare random-init --out {self.tsne_png}', flush=True)
            tsne_png(load_config(self.args.config, self.opts),
                     [('CMD pretrained', self.checkpoint), ('random init', RANDOM_INIT)],
                     self.tsne_png, 'joint', title='xsub_val, coloured by class')
            bar.advance()

    def header(self, log):
        args = self.args
        self.say('cmd-mmaction main job: pretrain CMD without labels on generated skeletons,')
        self.say('then compare its kNN accuracy with the random-init encoder.')
        self.say(f'  config    {rel(args.config)}')
        self.say(f'  work dir  {rel(args.work_dir)}')
        self.say(f'  logs      {"shown live (--verbose)" if args.verbose else rel(log)}')
        self.say(f'  expected  {"about a minute (smoke run)" if args.smoke else EXPECTED}, '
                 f'torch threads {args.threads}\n')

    def summary(self, seconds, log):
        self.say(f'\nCMD pretrained for {self.epochs} epochs on {rel(self.args.data)}, '
                 f'{seconds / 60:.1f} min in all; kNN (k=1, cosine) on xsub_val, bank '
                 'xsub_train:\n')
        self.say(format_table(self.results))
        self.say('\nwrote')
        for name, path in (('checkpoint', self.checkpoint), ('kNN curve', self.curve_png),
                           ('t-SNE', self.tsne_png)):
            self.say(f'  {name:<11}{rel(path)}')
        if not self.args.verbose:
            self.say(f'  {"full log":<11}{rel(log)} (the command of each step: grep "==>" it)')


def rel(path):
    """``path`` relative to the current directory when below it."""
    relative = osp.relpath(path)
    return path if relative.startswith('..') else relative


def main(argv=None):
    args = parse_args(argv)
    set_threads(args.threads)
    os.makedirs(args.work_dir, exist_ok=True)
    log = osp.join(args.work_dir, 'quickstart.log')
    start = time.time()
    redirect = (contextlib.nullcontext(sys.stdout) if args.verbose
                else redirect_output(log))
    job = None
    try:
        with redirect as terminal:
            job = Job(args, terminal)
            job.header(log)
            job.data()
            job.pretrain()
            job.evaluate()
            job.pictures()
            job.summary(time.time() - start, log)
    except (Exception, SystemExit) as err:
        if isinstance(err, SystemExit) and not err.code:
            raise
        if not args.verbose:
            print(f'\nerror: the {job.phase if job else "start"} phase failed; the last '
                  f'lines of {log}:\n', file=sys.stderr)
            print(_tail(log, 30), file=sys.stderr, flush=True)
        raise
    return job.results


def _tail(path, lines):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError as err:
        return f'(cannot read the log: {err})'


if __name__ == '__main__':
    main()
