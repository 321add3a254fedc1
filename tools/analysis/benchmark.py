"""Pretraining speed and memory of CMD, measured side by side in one run.

Cases (each in its own subprocess, so peak memory is per case):

1. ``cmd``        CMD, BiGRU ``mode='official'`` (whole-sequence GRU calls), fp32;
2. ``cmd_amp``    the same under mixed precision (CPU: bf16 autocast; CUDA: fp16);
3. ``per_frame``  the same model fed one frame per GRU call, as the official
                  code does (``PerFrameBiGRU`` below, written for this benchmark), fp32;
4. ``moco``       three plain MoCo branches (``pairs=()``: no distillation term), fp32;
5. ``stgcn``      CMD with the 1/4-width mmaction2 ST-GCN, fp32;
6. ``data``       the two-view pretraining pipeline alone (samples/s through a
                  DataLoader with the configured workers, on the generated data).

Official NTU-60 settings (``--size official``): batch 64, 64 frames, 150 features
(25 joints x 3 x 2 persons), hidden 1024 x 3 layers, K 16384, top-k 8192, 3
modalities. Step time = median of ``--steps`` timed ``train_step`` calls after
``--warmup`` untimed ones (forward, backward, SGD step, momentum update, enqueue).

It prints the ratios 3/1, 3/2, 1/4, 6/(samples consumed per second by 1), the
achieved GRU FLOP/s of 1 as a fraction of the fp32 matmul FLOP/s measured in the
same run, checks the targets of issue 7 and says plainly which are missed; with
``--loss-curve`` it also compares fp32 and mixed-precision losses over the first
steps on the generated data (a reduced model: the official size is far too slow
on a CPU for 100 steps).

Examples::

    python tools/analysis/benchmark.py --size official --steps 3 --warmup 1 --loss-curve 100
    python tools/analysis/benchmark.py --size tiny --steps 2 --warmup 1 --loss-curve 5
    # where a target is missed: torch.profiler top ops of one extra step of the cases involved
    python tools/analysis/benchmark.py --size official --steps 3 --profile cmd moco
"""
import argparse
import json
import os
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA_CONFIG = osp.join(ROOT, 'configs/cmd/cmd_bigru-h128_1xb32-10e_synthetic-xsub-3d.py')
DEFAULT_DATA = osp.join(ROOT, 'data/synthetic/synthetic_ntu25.pkl')

SIZES = {
    'official': dict(batch=64, frames=64, hidden=1024, layers=3, queue=16384, topk=8192,
                     stgcn_width=16),
    'tiny': dict(batch=4, frames=8, hidden=16, layers=2, queue=64, topk=32, stgcn_width=4),
}
CASES = ('cmd', 'cmd_amp', 'per_frame', 'moco', 'stgcn', 'data')
FLOP_TARGET = 0.75  # achieved GRU FLOP/s of case 1 / fp32 matmul FLOP/s


# ----------------------------------------------------------------------------- models
def _register_per_frame_bigru():
    """The official feeding: the bidirectional GRU called on one frame at a time.

    Mirrors ``EncoderRNN.forward`` of the official ``moco/GRU.py``: frame t is a
    length-1 sequence and the hidden state (both directions, all layers) is
    carried to frame t+1. Same parameters as ``BiGRU`` (``gru.*``), same output.
    """
    from cmd_mmaction.models.backbones.bigru import BiGRU
    from mmaction.registry import MODELS

    class PerFrameBiGRU(BiGRU):

        def _forward_official(self, x, dtype=None):
            x = x.float()  # the official GRU runs in fp32, autocast or not (case 3 is fp32)
            hidden, out = None, None
            for t in range(x.shape[0]):  # x: (T, N, F); the official call gets (N, 1, F)
                out, hidden = self.gru(x[t].unsqueeze(1), hidden)
            return out[:, -1]

    if 'PerFrameBiGRU' not in MODELS.module_dict:
        MODELS.register_module(module=PerFrameBiGRU)


def model_cfg(case, size):
    s = SIZES[size]
    cfg = dict(type='CMD', queue_len=s['queue'], distill=dict(type='CMDLoss', topk=s['topk']),
               modalities=('joint', 'motion', 'bone'))
    if case == 'stgcn':
        width = s['stgcn_width']
        cfg.update(
            backbone=dict(type='STGCN', graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
                          in_channels=3, base_channels=width, ch_ratio=2, num_stages=10,
                          inflate_stages=[5, 8, 9, 10], down_stages=[5, 8], tcn_dropout=0.5),
            pool=dict(type='SkeletonGlobalPool'),
            neck=dict(type='ProjectionNeck', in_channels=width * 16, out_channels=128))
        return cfg
    backbone = 'PerFrameBiGRU' if case == 'per_frame' else 'BiGRU'
    cfg.update(backbone=dict(type=backbone, hidden=s['hidden'], num_layers=s['layers']),
               neck=dict(type='ProjectionNeck', in_channels=2 * s['hidden'], out_channels=128))
    if case == 'moco':
        cfg['pairs'] = ()
    return cfg


def gru_train_flops(size, modalities=3, in_features=150):
    """Analytic FLOPs of the GRU matmuls in one CMD training step.

    Per layer l, direction and frame: ``2 * 3H * (I_l + H)`` (input and hidden
    projections of the three gates; I_0 = 150, I_l = 2H above), times N * T
    samples-frames, two directions; a training step is the query forward (1x),
    its backward (2x) and the key forward (1x) = 4x the forward, per modality.
    Gate nonlinearities, the head and the similarity matmuls are left out.
    """
    s = SIZES[size]
    h, n, t = s['hidden'], s['batch'], s['frames']
    per_frame = sum(2 * 3 * h * ((in_features if layer == 0 else 2 * h) + h)
                    for layer in range(s['layers']))
    forward = 2 * per_frame * n * t
    return modalities * 4 * forward


FLOP_FORMULA = ('GRU FLOPs/step = modalities(3) x 4 (q fwd + q bwd 2x + k fwd) x 2 directions '
                'x N x T x sum_l 2*3H*(I_l + H), I_0 = 150, I_l = 2H')


# ----------------------------------------------------------------------------- one case
def _device():
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def _optim_wrapper(model, amp):
    from cmd_mmaction.models.utils import TrainableOptimWrapperConstructor
    wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                                                       weight_decay=1e-4))
    if amp:
        wrapper['type'] = 'AmpOptimWrapper' if _device().type == 'cuda' else 'CPUBF16OptimWrapper'
    return TrainableOptimWrapperConstructor(wrapper)(model)


def _synchronize():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _peak_memory_mib():
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def profile_step(model, data, wrapper, rows):
    """torch.profiler top ops (by self time) of one training step, as a table."""
    from torch.profiler import ProfilerActivity, profile
    activities = [ProfilerActivity.CPU]
    sort = 'self_cpu_time_total'
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
        sort = 'self_cuda_time_total'
    with profile(activities=activities) as prof:
        model.train_step(data, wrapper)
        _synchronize()
    return prof.key_averages().table(sort_by=sort, row_limit=rows, max_name_column_width=40)


def time_distillation(model, batch, repeats=5):
    """Median seconds of ``loss_cmd`` alone (forward + backward, every pair).

    The term's own cost, free of the run-to-run variance that the 1/4 ratio of
    two separate processes carries: the teacher similarities ``k_a Q_a``, top-k,
    the student similarities gathered at those slots and the KL, on the
    model's real queues.
    """
    import torch.nn.functional as F
    queue = {m: model.queues[m].queue.clone() for m in model.modalities}
    dim, device = next(iter(queue.values())).shape[0], _device()
    times = []
    for _ in range(repeats):
        q = {m: F.normalize(torch.randn(batch, dim, device=device), dim=1).requires_grad_()
             for m in model.modalities}
        k = {m: F.normalize(torch.randn(batch, dim, device=device), dim=1)
             for m in model.modalities}
        start = time.perf_counter()
        model._distill(q, k, queue).backward()
        _synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_model_case(case, size, steps, warmup, seed=0, profile_rows=0):
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    _register_per_frame_bigru()
    s = SIZES[size]
    torch.manual_seed(seed)
    model = MODELS.build(model_cfg(case, size)).to(_device())
    model.init_weights()
    model.train()
    wrapper = _optim_wrapper(model, amp=(case == 'cmd_amp'))
    x = torch.randn(s['batch'], 2, 2, s['frames'], 25, 3)
    data = dict(inputs=list(x), data_samples=[ActionDataSample() for _ in range(len(x))])
    times = []
    for i in range(warmup + steps):
        _synchronize()
        start = time.perf_counter()
        model.train_step(data, wrapper)
        _synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    step = statistics.median(times)
    result = dict(case=case, step_s=step, samples_per_s=s['batch'] / step, times=times,
                  peak_mib=_peak_memory_mib())
    if case == 'cmd':
        result['distill_s'] = time_distillation(model, s['batch'])
    if profile_rows:  # an extra, untimed step
        result['profile'] = profile_step(model, data, wrapper, profile_rows)
    return result


def run_data_case(data_file, seconds, workers=None):
    """Samples/s of the CMD pretraining pipeline (two views per sample)."""
    from cmd_mmaction.utils import load_config
    from mmengine.runner import Runner
    cfg = load_config(DATA_CONFIG)
    loader = cfg.train_dataloader
    loader.dataset.ann_file = data_file
    loader.batch_size = 64
    loader.drop_last = False  # small datasets still yield batches
    if workers is not None:
        loader.num_workers = workers
        loader.persistent_workers = workers > 0
    dataloader = Runner.build_dataloader(loader, seed=0)
    if len(dataloader.dataset) == 0:
        raise ValueError(f'{data_file}: the training split is empty')
    count, start, first = 0, None, True
    while True:
        for batch in dataloader:
            if first:  # worker start-up is not throughput
                first, start = False, time.perf_counter()
                continue
            count += len(batch['inputs'])
            if time.perf_counter() - start >= seconds:
                elapsed = time.perf_counter() - start
                return dict(case='data', samples_per_s=count / elapsed,
                            workers=loader.num_workers, peak_mib=_peak_memory_mib())


def matmul_flops(n=2048, repeats=10):
    device = _device()
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    a @ b
    _synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    _synchronize()
    return 2 * n**3 * repeats / (time.perf_counter() - start)


def loss_curve(data_file, steps, seed=0):
    """fp32 vs mixed-precision losses of the main-job model on the generated data.

    Both runs start from the same weights and queues and see the same batches.
    """
    import copy

    from cmd_mmaction.utils import load_config
    from mmengine.runner import Runner

    from mmaction.registry import MODELS
    cfg = load_config(DATA_CONFIG)
    cfg.train_dataloader.dataset.ann_file = data_file
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.train_dataloader.drop_last = False  # small datasets still yield batches
    torch.manual_seed(seed)
    dataloader = Runner.build_dataloader(cfg.train_dataloader, seed=seed)
    if not len(dataloader.dataset):
        raise ValueError(f'{data_file}: the training split is empty')
    batches = []
    while len(batches) < steps:  # epochs repeat until enough batches
        batches.extend(dataloader)
    batches = batches[:steps]
    torch.manual_seed(seed)
    base = MODELS.build(cfg.model)
    from mmengine.logging import MMLogger
    MMLogger.get_current_instance().setLevel('WARNING')  # init_weights logs every tensor
    base.init_weights()
    curves = {}
    for name, amp in (('fp32', False), ('amp', True)):
        model = copy.deepcopy(base).to(_device()).train()
        wrapper = _optim_wrapper(model, amp)
        curves[name] = [model.train_step(b, wrapper)['loss'].detach().item() for b in batches]
    return curves


# ----------------------------------------------------------------------------- report
def check_targets(results, flops_fraction):
    r = {c: results[c] for c in results}
    targets = []

    def add(name, value, ok, text):
        targets.append(dict(name=name, value=value, ok=ok, text=text))

    add('3/1', r['per_frame']['step_s'] / r['cmd']['step_s'], None,
        'whole-sequence GRU vs per-frame (official) feeding: >= 1.5')
    add('3/2', r['per_frame']['step_s'] / r['cmd_amp']['step_s'], None,
        'mixed precision vs per-frame fp32: >= 3')
    add('1/4', r['cmd']['step_s'] / r['moco']['step_s'], None,
        'CMD vs plain MoCo x3 (cost of the distillation term): <= 1.10')
    add('6/1', r['data']['samples_per_s'] / r['cmd']['samples_per_s'], None,
        'data pipeline vs samples consumed by 1: >= 5')
    add('FLOP/s of 1 / matmul', flops_fraction, None,
        f'achieved GRU FLOP/s vs fp32 matmul FLOP/s: >= {FLOP_TARGET}')
    limits = {'3/1': (1.5, '>='), '3/2': (3.0, '>='), '1/4': (1.10, '<='), '6/1': (5.0, '>='),
              'FLOP/s of 1 / matmul': (FLOP_TARGET, '>=')}
    for t in targets:
        limit, op = limits[t['name']]
        t['ok'] = t['value'] >= limit if op == '>=' else t['value'] <= limit
    return targets


def format_report(meta, results, targets, curves=None, tolerance=None):
    lines = [f"# benchmark ({meta['size']} size) on {meta['device']}, "
             f"{meta['threads']} threads, torch {meta['torch']}",
             f"steps: median of {meta['steps']} after {meta['warmup']} warm-up",
             '', '| case | step (s) | samples/s | peak memory (MiB) |', '| --- | ---: | ---: | ---: |']
    for case in CASES:
        r = results[case]
        step = f"{r['step_s']:.3f}" if 'step_s' in r else '-'
        lines.append(f"| {case} | {step} | {r['samples_per_s']:.1f} | {r['peak_mib']:.0f} |")
    lines += ['', f"fp32 matmul: {meta['matmul_gflops']:.1f} GFLOP/s; "
              f"case 1 GRU: {meta['gru_gflops']:.1f} GFLOP/s "
              f"({meta['gru_flops_per_step'] / 1e9:.1f} GFLOP/step)", FLOP_FORMULA, '',
              '| ratio | value | target | met |', '| --- | ---: | --- | --- |']
    for t in targets:
        lines.append(f"| {t['name']} | {t['value']:.2f} | {t['text']} | "
                     f"{'yes' if t['ok'] else 'NO'} |")
    cmd, moco = results['cmd'], results['moco']
    spread = max((max(r['times']) - min(r['times'])) / r['step_s'] for r in (cmd, moco))
    lines += ['', f"distillation term alone (loss_cmd forward + backward, all pairs): "
              f"{1000 * cmd['distill_s']:.1f} ms = {100 * cmd['distill_s'] / cmd['step_s']:.2f} % "
              f"of case 1's step; spread of the timed steps of cases 1 and 4: up to "
              f"{100 * spread:.1f} % of the median"]
    missed = [t['name'] for t in targets if not t['ok']]
    lines.append('')
    lines.append('all targets met' if not missed else
                 'targets MISSED: ' + ', '.join(missed) + ' (see docs/benchmarks.md)')
    if curves:
        diffs = [abs(a - b) / abs(a) for a, b in zip(curves['fp32'], curves['amp'])]
        ok = max(diffs) <= tolerance
        lines += ['', f"loss curve over {len(diffs)} steps (main-job model, generated data): "
                  f"max relative difference amp vs fp32 {max(diffs):.4f}, mean "
                  f"{statistics.mean(diffs):.4f} (tolerance {tolerance}: "
                  f"{'within' if ok else 'EXCEEDED'})",
                  'step: ' + ' '.join(str(i) for i in range(0, len(diffs), max(1, len(diffs) // 10))),
                  'fp32: ' + ' '.join(f'{curves["fp32"][i]:.3f}'
                                      for i in range(0, len(diffs), max(1, len(diffs) // 10))),
                  'amp:  ' + ' '.join(f'{curves["amp"][i]:.3f}'
                                      for i in range(0, len(diffs), max(1, len(diffs) // 10)))]
    return '\n'.join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='CMD pretraining benchmark')
    parser.add_argument('--size', choices=sorted(SIZES), default='official')
    parser.add_argument('--steps', type=int, default=3, help='timed steps per case')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--data', default=DEFAULT_DATA,
                        help='generated data (made with tools/data/generate_synthetic.py '
                        'if absent)')
    parser.add_argument('--data-seconds', type=float, default=20.0)
    parser.add_argument('--workers', type=int, help='data workers (default: the config\'s)')
    parser.add_argument('--loss-curve', type=int, default=0,
                        help='compare fp32 and amp losses over this many steps')
    parser.add_argument('--tolerance', type=float, default=0.05,
                        help='max relative loss difference amp vs fp32')
    parser.add_argument('--json', help='also write the results here')
    parser.add_argument('--profile', nargs='+', default=[], choices=CASES[:-1],
                        metavar='CASE', help='print torch.profiler top ops of one extra '
                        f'training step of these cases ({", ".join(CASES[:-1])}); '
                        'per_frame at the official size records ~10^5 small ops and needs '
                        'more than 24 GiB')
    parser.add_argument('--profile-rows', type=int, default=15)
    parser.add_argument('--case', choices=CASES, help=argparse.SUPPRESS)  # child process
    return parser.parse_args(argv)


def _setup():
    import cmd_mmaction  # noqa: F401  registers everything
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')  # configs name mmaction2 and our classes unscoped


def _child(args):
    _setup()
    if args.case == 'data':
        result = run_data_case(args.data, args.data_seconds, args.workers)
    else:
        rows = args.profile_rows if args.case in args.profile else 0
        result = run_model_case(args.case, args.size, args.steps, args.warmup,
                                profile_rows=rows)
    print('RESULT ' + json.dumps(result), flush=True)


def _run_child(case, args):
    cmd = [sys.executable, osp.abspath(__file__), '--case', case, '--size', args.size,
           '--steps', str(args.steps), '--warmup', str(args.warmup), '--data', args.data,
           '--data-seconds', str(args.data_seconds)]
    if args.workers is not None:
        cmd += ['--workers', str(args.workers)]
    if args.profile:
        cmd += ['--profile', *args.profile, '--profile-rows', str(args.profile_rows)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith('RESULT ')]
    if proc.returncode != 0 or not lines:
        why = (f'killed by signal {-proc.returncode} (SIGKILL: usually out of memory)'
               if proc.returncode < 0 else f'exit status {proc.returncode}')
        raise RuntimeError(f'benchmark case {case} failed ({why}):\n{proc.stderr[-3000:]}')
    print(f'  {case}: done in {time.time() - start:.0f} s', flush=True)
    return json.loads(lines[-1][len('RESULT '):])


def main(argv=None):
    args = parse_args(argv)
    if args.case:
        return _child(args)
    _setup()
    if not osp.isfile(args.data):
        from cmd_mmaction.datasets.synthetic import write_dataset
        write_dataset(args.data)
    start = time.time()
    print(f'benchmark: {args.size} size, {torch.get_num_threads()} threads', flush=True)
    results = {case: _run_child(case, args) for case in CASES}
    matmul = matmul_flops()
    gru_flops = gru_train_flops(args.size)
    meta = dict(size=args.size, device=str(_device()), threads=torch.get_num_threads(),
                torch=torch.__version__, steps=args.steps, warmup=args.warmup,
                matmul_gflops=matmul / 1e9, gru_flops_per_step=gru_flops,
                gru_gflops=gru_flops / results['cmd']['step_s'] / 1e9)
    targets = check_targets(results, meta['gru_gflops'] * 1e9 / matmul)
    curves = loss_curve(args.data, args.loss_curve) if args.loss_curve else None
    print(format_report(meta, results, targets, curves, args.tolerance))
    for case in args.profile:
        print(f'\n## torch.profiler, one training step of case {case}\n```\n'
              f"{results[case]['profile']}```")
    print(f'\ntotal benchmark time: {time.time() - start:.0f} s')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(meta=meta, results=results, targets=targets, curves=curves), f,
                      indent=1)
    return dict(meta=meta, results=results, targets=targets, curves=curves)


if __name__ == '__main__':
    main()
