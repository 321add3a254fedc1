"""Northwestern-UCLA converter and the Kinect v1 layout, on the real shared clips."""
import json
import pickle
import shutil

import numpy as np
import pytest

from cmd_mmaction.datasets.converters.nw_ucla import convert_nw_ucla
from cmd_mmaction.skeleton.layouts import get_layout, stgcn_graph_layout
from cmd_mmaction.skeleton.pre_normalize import cmd_pre_normalize
from fixtures_skeleton import SHARED_DATA, load_tool

UCLA = SHARED_DATA / 'nw_ucla' / 'all_sqe'
SUBSET = ['a01_s01_e00_v01', 'a01_s01_e00_v02', 'a01_s01_e00_v03', 'a12_s10_e01_v03',
          'a02_s09_e04_v02']  # the last one has a single frame
# the dataset README's bones, (parent, child), 1-based
README_BONES = [(1, 2), (2, 3), (3, 4), (3, 5), (5, 6), (6, 7), (7, 8), (3, 9), (9, 10),
                (10, 11), (11, 12), (1, 13), (13, 14), (14, 15), (15, 16), (1, 17), (17, 18),
                (18, 19), (19, 20)]


@pytest.fixture
def ucla_dir():
    if not (UCLA / 'a01_s01_e00_v01.json').is_file():
        pytest.skip(f'shared Northwestern-UCLA data not found in {UCLA}')
    return UCLA


@pytest.fixture
def subset_dir(ucla_dir, tmp_path):
    d = tmp_path / 'clips'
    d.mkdir()
    for name in SUBSET:
        shutil.copy(ucla_dir / f'{name}.json', d)
    return d


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def test_kinect_v1_layout_bones_match_the_dataset_readme():
    layout = get_layout('kinect-v1')
    assert layout.num_joints == 20 and layout.center == 0  # root: hip centre (joint 1)
    edges = {(p + 1, c + 1) for c, p in layout.bones if c != p}
    assert edges == set(README_BONES)
    graph = stgcn_graph_layout('kinect-v1')
    assert sorted((p + 1, c + 1) for c, p in graph['inward']) == sorted(README_BONES)
    # left/right pairs: shoulder..hand and hip..foot, 1-based 5-8 <-> 9-12, 13-16 <-> 17-20
    assert {(a + 1, b + 1) for a, b in layout.symmetric} == {
        (5, 9), (6, 10), (7, 11), (8, 12), (13, 17), (14, 18), (15, 19), (16, 20)}
    norm = layout.norm
    assert (norm.hip, norm.spine, norm.neck, norm.right_shoulder, norm.left_shoulder) == (
        0, 1, 2, 8, 4)


def test_subset_labels_splits_and_single_frame_clip(subset_dir, tmp_path):
    out = tmp_path / 'ucla.pkl'
    summary = convert_nw_ucla(subset_dir, out, progress=False)
    data = load(out)
    assert data['split'] == dict(
        xview_train=['a01_s01_e00_v01', 'a01_s01_e00_v02', 'a02_s09_e04_v02'],
        xview_val=['a01_s01_e00_v03', 'a12_s10_e01_v03'],
        xview_train_tune=['a01_s01_e00_v01'],
        xview_val_tune=['a01_s01_e00_v02', 'a02_s09_e04_v02'])
    anns = {a['frame_dir']: a for a in data['annotations']}
    assert {k: a['label'] for k, a in anns.items()} == {
        'a01_s01_e00_v01': 0, 'a01_s01_e00_v02': 0, 'a01_s01_e00_v03': 0,
        'a12_s10_e01_v03': 9, 'a02_s09_e04_v02': 1}
    raw = np.array(json.loads((subset_dir / 'a01_s01_e00_v01.json').read_text())['skeletons'])
    np.testing.assert_allclose(anns['a01_s01_e00_v01']['keypoint'][0], raw, atol=1e-6)
    assert anns['a02_s09_e04_v02']['keypoint'].shape == (1, 1, 20, 3)
    assert 'still pose' in summary.format() and summary.num_skipped == 0
    assert 'pre_normalized' not in data


def test_full_standard_protocol(ucla_dir, tmp_path):
    summary = load_tool('nw_ucla_gendata').main(
        ['--data-dir', str(ucla_dir), '--out', str(tmp_path / 'all.pkl'), '--no-progress',
         '--normalize'])
    assert summary.written == 1484 and summary.split_sizes == dict(
        xview_train=1020, xview_val=464, xview_train_tune=516, xview_val_tune=504)
    data = load(tmp_path / 'all.pkl')
    assert data['pre_normalized'] == dict(method='cmd', layout='kinect-v1')
    assert sorted({a['label'] for a in data['annotations']}) == list(range(10))
    # normalised with the Kinect v1 joints: the spine is the origin in every frame
    assert max(np.abs(a['keypoint'][0, :, 1]).max() for a in data['annotations']) < 1e-6
    one = next(a for a in data['annotations'] if a['frame_dir'] == 'a01_s01_e00_v01')
    raw = np.array(json.loads((ucla_dir / 'a01_s01_e00_v01.json').read_text())['skeletons'])
    np.testing.assert_allclose(one['keypoint'], cmd_pre_normalize(raw[None], 'kinect-v1'),
                               atol=1e-5)


@pytest.mark.parametrize('content, message', [
    ('{"file_name": "x", "skeletons": [[[0.1, 0.2, 0.3]', 'malformed JSON'),
    (json.dumps(dict(skeletons=[[]] * 4)), 'has shape (4, 0)'),
    (json.dumps(dict(skeletons=[[[0.1, 0.2, 0.3]] * 20] * 3, label=5)), 'disagrees'),
    (json.dumps(dict(frames=[])), 'expected a JSON object with "skeletons"'),
])
def test_bad_clips_name_the_file(subset_dir, tmp_path, content, message):
    bad = subset_dir / 'a03_s01_e00_v01.json'
    bad.write_text(content)
    tool = load_tool('nw_ucla_gendata')
    args = ['--data-dir', str(subset_dir), '--out', str(tmp_path / 'o.pkl'), '--no-progress']
    with pytest.raises(SystemExit) as info:
        tool.main(args + ['--strict'])
    assert message in str(info.value) and str(bad) in str(info.value)
    assert not (tmp_path / 'o.pkl').exists()
    summary = tool.main(args)  # default: skipped and counted
    assert [s.name for s in summary.skipped] == ['a03_s01_e00_v01'] and summary.written == 5


def test_missing_directory_and_broken_link(tmp_path, subset_dir):
    tool = load_tool('nw_ucla_gendata')
    with pytest.raises(SystemExit, match='input directory not found'):
        tool.main(['--data-dir', str(tmp_path / 'nope'), '--out', str(tmp_path / 'o.pkl')])
    (subset_dir / 'a04_s01_e00_v01.json').symlink_to(tmp_path / 'gone.json')
    with pytest.raises(SystemExit, match='a04_s01_e00_v01.json: file not found'):
        tool.main(['--data-dir', str(subset_dir), '--out', str(tmp_path / 'o.pkl'),
                   '--no-progress', '--strict'])
