"""PKU-MMD phase II converter: instance cutting, splits, body dropping, bad labels."""
import pickle

import numpy as np
import pytest

from cmd_mmaction.datasets.converters.common import BadFileError
from cmd_mmaction.datasets.converters.pku_mmd import convert_pku_mmd, read_split_file
from fixtures_skeleton import (load_tool, moving_person, write_pku_labels, write_pku_skeleton,
                               write_pku_split)


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def sequence(num_frames, two_bodies, seed):
    bodies = np.zeros((2, num_frames, 25, 3))
    bodies[0] = moving_person(num_frames, (0.5, 0.2, 3.0), 0.1, seed=seed)
    if two_bodies:
        bodies[1] = moving_person(num_frames, (-0.5, 0.2, 3.0), 0.3, seed=seed + 1)
    return bodies


@pytest.fixture
def pku_dirs(tmp_path):
    skel, labels = tmp_path / 'skeleton', tmp_path / 'label'
    skel.mkdir()
    labels.mkdir()
    seqs = {}
    seqs['0002-L'] = sequence(40, two_bodies=False, seed=0)
    seqs['0002-M'] = sequence(30, two_bodies=True, seed=2)
    seqs['0003-R'] = sequence(20, two_bodies=False, seed=4)
    seqs['0002-M'][1, 10:] = 0  # second person leaves at frame 10
    for name, arr in seqs.items():
        write_pku_skeleton(skel / f'{name}.txt', arr)
    write_pku_labels(labels / '0002-L.txt', ['5,3,7,1', '51,10,40,2'])
    write_pku_labels(labels / '0002-M.txt', ['12,1,8,1', '1,15,35,1', '99,1,2,1'])
    write_pku_labels(labels / '0003-R.txt', ['3,1,5,1'])
    split = write_pku_split(tmp_path / 'cross_subject_v2.txt', ['0002-L'], ['0002-M'])
    return dict(skel=skel, labels=labels, split=split, seqs=seqs, root=tmp_path)


def test_read_split_file(tmp_path):
    path = write_pku_split(tmp_path / 's.txt', ['0002-L', '0002-M'], ['0003-R'])
    assert read_split_file(path) == (['0002-L', '0002-M'], ['0003-R'])
    path.write_text('Training videos:\n0002-L\n')
    with pytest.raises(BadFileError, match='expected 4 lines'):
        read_split_file(path)


def test_instances_cut_and_split(pku_dirs):
    out = pku_dirs['root'] / 'pku.pkl'
    summary = convert_pku_mmd(pku_dirs['skel'], pku_dirs['labels'], pku_dirs['split'], out,
                              protocol='xsub', max_frames=25, progress=False)
    data = load(out)
    assert data['split'] == dict(xsub_train=['0002-L_0', '0002-L_1'],
                                 xsub_val=['0002-M_0', '0002-M_1'])
    anns = {a['frame_dir']: a for a in data['annotations']}
    seq_l, seq_m = pku_dirs['seqs']['0002-L'], pku_dirs['seqs']['0002-M']

    first = anns['0002-L_0']  # label 5, frames 3..7 (1-based inclusive) -> 0-based 2..6
    assert first['label'] == 4 and first['total_frames'] == 5
    assert first['keypoint'].shape == (1, 5, 25, 3)  # all-zero second body dropped
    np.testing.assert_allclose(first['keypoint'][0], seq_l[0, 2:7], atol=1e-6)

    long = anns['0002-L_1']  # 31 frames truncated to max_frames=25
    assert long['label'] == 50 and long['keypoint'].shape == (1, 25, 25, 3)
    np.testing.assert_allclose(long['keypoint'][0], seq_l[0, 9:34], atol=1e-6)

    pair = anns['0002-M_0']  # both people present in frames 1..8
    assert pair['label'] == 11 and pair['keypoint'].shape == (2, 8, 25, 3)
    np.testing.assert_allclose(pair['keypoint'], seq_m[:, 0:8], atol=1e-6)

    clipped = anns['0002-M_1']  # end 35 > 30 frames: clipped; person 2 gone after frame 10
    assert clipped['keypoint'].shape == (1, 16, 25, 3)
    np.testing.assert_allclose(clipped['keypoint'][0], seq_m[0, 14:30], atol=1e-6)
    assert summary.notes['instance end clipped to sequence length'] == 1

    reasons = {s.name: s.reason for s in summary.skipped}
    assert reasons == {'0002-M_2': 'bad label line', '0003-R': 'not in split file'}
    bad = [s for s in summary.skipped if s.name == '0002-M_2'][0]
    assert '0002-M.txt: line 3' in bad.detail and 'label 99' in bad.detail


def test_xview_protocol_names_splits(pku_dirs):
    split = write_pku_split(pku_dirs['root'] / 'cross_view_v2.txt', ['0002-M', '0003-R'],
                            ['0002-L'])
    out = pku_dirs['root'] / 'view.pkl'
    convert_pku_mmd(pku_dirs['skel'], pku_dirs['labels'], split, out, protocol='xview',
                    progress=False)
    data = load(out)
    assert data['split']['xview_val'] == ['0002-L_0', '0002-L_1']
    assert data['split']['xview_train'] == ['0002-M_0', '0002-M_1', '0003-R_0']


def test_strict_bad_label_and_garbled_skeleton(pku_dirs):
    out = pku_dirs['root'] / 'strict.pkl'
    with pytest.raises(BadFileError, match=r'0002-M\.txt: line 3: label 99'):
        convert_pku_mmd(pku_dirs['skel'], pku_dirs['labels'], pku_dirs['split'], out,
                        strict=True, progress=False)
    assert not out.exists()

    write_pku_labels(pku_dirs['labels'] / '0002-M.txt', ['12,1,8,1', '4,20,5,1'])
    with pytest.raises(BadFileError, match=r'line 2: frames 20\.\.5 invalid'):
        convert_pku_mmd(pku_dirs['skel'], pku_dirs['labels'], pku_dirs['split'], out,
                        strict=True, progress=False)

    lines = (pku_dirs['skel'] / '0002-L.txt').read_text().splitlines()
    lines[6] = ' '.join(lines[6].split()[:149])  # line 7 loses a value
    (pku_dirs['skel'] / '0002-L.txt').write_text('\n'.join(lines) + '\n')
    with pytest.raises(BadFileError, match=r'0002-L\.txt: line 7: expected 150 values'):
        convert_pku_mmd(pku_dirs['skel'], pku_dirs['labels'], pku_dirs['split'], out,
                        strict=True, progress=False)
    summary = convert_pku_mmd(pku_dirs['skel'], pku_dirs['labels'], pku_dirs['split'], out,
                              strict=False, progress=False)
    assert {s.name: s.reason for s in summary.skipped}['0002-L'] == 'truncated or garbled file'
    assert load(out)['split']['xsub_train'] == []


def test_cli(pku_dirs, capsys):
    tool = load_tool('pku_mmd_gendata')
    out = pku_dirs['root'] / 'cli.pkl'
    summary = tool.main(['--skeleton-dir', str(pku_dirs['skel']), '--label-dir',
                         str(pku_dirs['labels']), '--split-file', str(pku_dirs['split']),
                         '--protocol', 'xsub', '--out', str(out), '--no-progress',
                         '--normalize'])
    assert summary.written == 4
    assert 'bad label line: 1' in capsys.readouterr().out
    kp = {a['frame_dir']: a for a in load(out)['annotations']}['0002-M_0']['keypoint']
    np.testing.assert_allclose(kp[0, :, 1], 0, atol=1e-5)  # normalised: spine at origin
