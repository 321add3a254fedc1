"""Tuning splits carved from a training split by group (cmd_mmaction/datasets/tuning_split.py,
tools/data/add_tuning_split.py)."""
import pickle

import pytest

from cmd_runs import ROOT  # noqa: F401  puts the repository root on sys.path
from cmd_mmaction.datasets.tuning_split import TuningSplit, tuning_split_names
from tools.data import add_tuning_split

NTU = ['S001C001P001R001A001', 'S001C002P002R001A001', 'S002C001P004R002A003',
       'S001C003P001R001A002', 'S003C001P005R001A001']


def test_ntu_subjects_held_out_in_training_order():
    split = {'xsub_train': NTU, 'xsub_val': ['S001C001P003R001A001']}
    out = TuningSplit('xsub_train', 'ntu-subject', holdout=(1, 4)).carve(split)
    assert out == {'xsub_train_tune': [NTU[1], NTU[4]],
                   'xsub_val_tune': [NTU[0], NTU[2], NTU[3]]}
    assert tuning_split_names('train') == ('train_tune_train', 'train_tune_val')


def test_camera_pattern_and_a_regex_of_ones_own():
    split = {'xview_train': NTU}
    by_camera = TuningSplit('xview_train', 'ntu-camera', holdout=('2', )).carve(split)
    assert by_camera['xview_val_tune'] == [NTU[1]]
    by_setup = TuningSplit('xview_train', r'^S(\d+)C', holdout=(3, )).carve(split)
    assert by_setup['xview_val_tune'] == [NTU[4]]


@pytest.mark.parametrize('tuning, message', [
    (TuningSplit('xsub_train', 'ntu-subject', (9, )), r'held-out group\(s\) 9 not in'),
    (TuningSplit('xsub_train', 'msr-subject', (1, )), 'does not match'),
    (TuningSplit('xsub_nope', 'ntu-subject', (1, )), "no split 'xsub_nope'"),
    (TuningSplit('xsub_train', 'ntu-subject', (1, 2, 4, 5)), 'leaves nothing'),
])
def test_bad_requests_are_refused_with_the_reason(tuning, message):
    with pytest.raises(ValueError, match=message):
        tuning.carve({'xsub_train': NTU})


def test_tool_adds_the_splits_atomically_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / 'ann.pkl'
    data = dict(split={'xsub_train': NTU, 'xsub_val': []},
                annotations=[dict(frame_dir=n) for n in NTU])
    path.write_bytes(pickle.dumps(data))
    add_tuning_split.main([str(path), '--train-split', 'xsub_train', '--group', 'ntu-subject',
                           '--holdout', '2', '5'])
    written = pickle.loads(path.read_bytes())
    assert written['split']['xsub_val_tune'] == [NTU[1], NTU[4]]
    assert written['annotations'] == data['annotations']
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ann.pkl']  # no temp file left
    with pytest.raises(SystemExit, match=r'ann\.pkl: split\(s\) xsub_train_tune, '
                                         r'xsub_val_tune exist already'):
        add_tuning_split.main([str(path), '--train-split', 'xsub_train', '--group',
                               'ntu-subject', '--holdout', '1'])
    with pytest.raises(SystemExit, match=r'ann\.pkl: held-out group\(s\) 7 not in'):
        add_tuning_split.main([str(path), '--train-split', 'xsub_train', '--group',
                               'ntu-subject', '--holdout', '7', '--force'])
