"""Import preprocessed (N, C, T, V, M) .npy arrays + label pickles as a PoseDataset pickle.

State which pre-normalisation the arrays went through (``--pre-normalized``): CMD's
``*_data_joint.npy`` are ``cmd``, IKEM's / CrosSCLR's ``*_position.npy`` are ``ikem``,
raw arrays ``none``. The pickle records it, so the pipeline's CMDPreNormalize /
IKEMPreNormalize do not normalise the samples a second time.

Examples:
    # one file -> one split
    python tools/data/import_preprocessed.py --data val_data.npy --label val_label.pkl \
        --split xsub_val --pre-normalized cmd --out data/ntu60_xsub_val.pkl
    # train + val -> splits xsub_train / xsub_val in one pickle
    python tools/data/import_preprocessed.py --split-prefix xsub --pre-normalized cmd \
        --train-data train_data.npy --train-label train_label.pkl \
        --val-data val_data.npy --val-label val_label.pkl --out data/ntu60_xsub.pkl
"""
import argparse

from cmd_mmaction.datasets.converters.cli import add_policy_arguments, run_and_report
from cmd_mmaction.datasets.converters.preprocessed import PreprocessedPart, import_preprocessed
from cmd_mmaction.skeleton.pre_normalize import normalization_record


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', required=True, help='output .pkl')
    parser.add_argument('--pre-normalized', required=True, choices=['cmd', 'ikem', 'none'],
                        help='the pre-normalisation the arrays already went through')
    parser.add_argument('--layout', default='nturgb+d',
                        help='skeleton layout of the arrays (default: nturgb+d)')
    single = parser.add_argument_group('one file')
    single.add_argument('--data', help='(N, C, T, V, M) .npy')
    single.add_argument('--label', help='(names, labels[, frame_counts]) .pkl')
    single.add_argument('--num-frame', help='optional (N,) num_frame .npy')
    single.add_argument('--split', help='split name for these samples, e.g. xsub_val')
    merged = parser.add_argument_group('train + val')
    merged.add_argument('--split-prefix', help='e.g. xsub -> splits xsub_train / xsub_val')
    for part in ('train', 'val'):
        merged.add_argument(f'--{part}-data')
        merged.add_argument(f'--{part}-label')
        merged.add_argument(f'--{part}-num-frame')
    add_policy_arguments(parser)
    args = parser.parse_args(argv)

    single_given = any(getattr(args, k) for k in ('data', 'label', 'num_frame', 'split'))
    merged_keys = ('split_prefix', 'train_data', 'train_label', 'train_num_frame',
                   'val_data', 'val_label', 'val_num_frame')
    merged_given = any(getattr(args, k) for k in merged_keys)
    if single_given == merged_given:
        parser.error('give either --data/--label/--split or --split-prefix with '
                     '--train-data/--train-label/--val-data/--val-label')
    if single_given:
        missing = [f'--{k}' for k in ('data', 'label', 'split') if not getattr(args, k)]
    else:
        missing = ['--' + k.replace('_', '-') for k in merged_keys
                   if 'num_frame' not in k and not getattr(args, k)]
    if missing:
        parser.error('missing ' + ', '.join(missing))
    return args


def make_parts(args):
    if args.data:
        return [PreprocessedPart(args.data, args.label, args.split, args.num_frame)]
    return [PreprocessedPart(getattr(args, f'{p}_data'), getattr(args, f'{p}_label'),
                             f'{args.split_prefix}_{p}', getattr(args, f'{p}_num_frame'))
            for p in ('train', 'val')]


def main(argv=None):
    args = parse_args(argv)
    return run_and_report(lambda: import_preprocessed(
        make_parts(args), args.out, strict=args.strict, progress=args.progress,
        pre_normalized=pre_normalized(args)))


def pre_normalized(args):
    if args.pre_normalized == 'none':
        return None
    return normalization_record(args.pre_normalized, args.layout)


if __name__ == '__main__':
    main()
