"""The README's main job: generate the default data, pretrain CMD, evaluate by kNN.

1. generate the procedural NTU-25 actions (``tools/data/generate_synthetic.py``)
   unless the pickle exists;
2. pretrain CMD without labels on ``xsub_train`` (``tools/train.py``; kNN monitor
   on ``xsub_val`` during training);
3. evaluate the final checkpoint and the seeded random initialisation with the
   kNN protocol (``tools/test.py``; bank = ``xsub_train``, queries = ``xsub_val``);
4. print kNN top-1 per modality and fused, pretrained against random-init.

Every step is the same tool a user runs by hand; the commands are printed.

Example::

    python tools/quickstart.py                      # ~4 min on 2 CPU cores
    python tools/quickstart.py --epochs 2 --work-dir /tmp/qs   # smoke run
"""
import argparse
import os.path as osp
import time

from cmd_mmaction.apis import test as test_tool
from cmd_mmaction.apis import train as train_tool
from cmd_mmaction.datasets.synthetic import write_dataset

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

CONFIG = osp.join(ROOT, 'configs/cmd/cmd_bigru-h128_1xb32-30e_synthetic-xsub-3d.py')
DATA = osp.join(ROOT, 'data/synthetic/synthetic_ntu25.pkl')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--data', default=DATA, help='synthetic pickle (generated if absent)')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs/quickstart'))
    parser.add_argument('--epochs', type=int, help='override the config\'s epochs')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra config overrides for training and testing')
    return parser.parse_args(argv)


def _run(name, tool, argv):
    print(f'\n==> python tools/{name}.py {" ".join(argv)}', flush=True)
    return tool.main(argv)


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


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    if not osp.isfile(args.data):
        print(f'\n==> python tools/data/generate_synthetic.py --out {args.data}', flush=True)
        write_dataset(args.data)
    opts = [f'ann_file={args.data}'] + list(args.cfg_options)
    if args.epochs is not None:
        opts += [f'train_cfg.max_epochs={args.epochs}',
                 f'train_cfg.val_begin={args.epochs}', f'train_cfg.val_interval={args.epochs}']
    train_dir = osp.join(args.work_dir, 'pretrain')
    # distinct experiment names: mmengine keys a run's logger by name + start second
    runner = _run('train', train_tool,
                  [args.config, '--work-dir', train_dir, '--cfg-options', *opts,
                   'experiment_name=quickstart_pretrain'])
    checkpoint = osp.join(train_dir, f'epoch_{runner.max_epochs}.pth')
    results = {}
    for name, ckpt in (('CMD pretrained', checkpoint), ('random init', test_tool.RANDOM_INIT)):
        tag = name.replace(' ', '_')
        results[name] = _run('test', test_tool,
                             [args.config, ckpt, '--work-dir', osp.join(args.work_dir, tag),
                              '--cfg-options', *opts, f'experiment_name=quickstart_{tag}'])
    print(f'\nCMD pretraining for {runner.max_epochs} epochs on {args.data} '
          f'({time.time() - start:.0f} s); kNN (k=1, cosine) on xsub_val with xsub_train '
          'as the bank:\n')
    print(format_table(results))
    print(f'\ncheckpoint: {checkpoint}')
    return results


if __name__ == '__main__':
    main()
