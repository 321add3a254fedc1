"""Multi-stream score fusion, top-k accuracy, dump loading and tools/analysis/fuse_results.py."""
import collections
import importlib.util
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.evaluator import DumpResults

import cmd_mmaction  # noqa: F401
from cmd_mmaction.evaluation import fuse_scores, topk_accuracy
from cmd_mmaction.evaluation.fusion import softmax, stream_complementarity
from cmd_mmaction.evaluation.prediction_dump import load_prediction_dump
from mmaction.structures import ActionDataSample

REPO = Path(__file__).resolve().parents[1]
FUSE_TOOL = REPO / 'tools' / 'analysis' / 'fuse_results.py'


def load_tool():
    spec = importlib.util.spec_from_file_location('fuse_results', FUSE_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_dump(path, scores, labels, **meta):
    """Write a dump the way tools/test.py --dump does (mmengine DumpResults)."""
    metric = DumpResults(out_file_path=str(path))
    samples = []
    for i, (score, label) in enumerate(zip(scores, labels)):
        sample = ActionDataSample().set_gt_label(int(label))
        sample.set_pred_score(torch.tensor(score, dtype=torch.float32))
        sample.set_metainfo({k: v[i] for k, v in meta.items()})
        samples.append(sample.to_dict())
    metric.process(None, samples)
    metric.evaluate(len(samples))


def test_fuse_scores_by_hand():
    a = np.array([[1.0, 0.0], [0.2, 0.4]])
    b = np.array([[0.0, 3.0], [0.8, 0.1]])
    np.testing.assert_allclose(fuse_scores([a, b]), [[0.5, 1.5], [0.5, 0.25]])
    np.testing.assert_allclose(fuse_scores([a, b], [2, 1]),
                               [[2 / 3, 1.0], [(0.4 + 0.8) / 3, (0.8 + 0.1) / 3]])
    np.testing.assert_allclose(fuse_scores([a, b], [1, 0]), a)
    with pytest.raises(ValueError, match='2 weights'):
        fuse_scores([a, b], [1])
    with pytest.raises(ValueError, match='non-negative'):
        fuse_scores([a, b], [1, -1])
    with pytest.raises(ValueError, match='shape'):
        fuse_scores([a, b[:1]])
    with pytest.raises(ValueError, match='NaN'):
        fuse_scores([a, np.full((2, 2), np.nan)])


def test_topk_accuracy_by_hand():
    scores = np.array([[0.1, 0.5, 0.4],    # label 2: second -> top2 only
                       [0.7, 0.2, 0.1],    # label 0: first
                       [0.3, 0.2, 0.4],    # label 1: third
                       [0.2, 0.3, 0.5]])   # label 0: third
    labels = np.array([2, 0, 1, 0])
    assert topk_accuracy(scores, labels, (1, 2, 3)) == {1: 0.25, 2: 0.5, 3: 1.0}
    with pytest.raises(ValueError, match='k must be'):
        topk_accuracy(scores, labels, (4, ))
    with pytest.raises(ValueError, match=r'\[0, 3\)'):
        topk_accuracy(scores, np.array([0, 1, 2, 3]))


def test_softmax_by_hand():
    np.testing.assert_allclose(softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])


@pytest.fixture
def two_dumps(tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 6, 30)
    joint = rng.normal(size=(30, 6)) + 1.5 * np.eye(6)[labels]
    bone = rng.normal(size=(30, 6)) + 1.5 * np.eye(6)[labels]
    paths = [tmp_path / 'joint.pkl', tmp_path / 'bone.pkl']
    write_dump(paths[0], joint, labels)
    write_dump(paths[1], bone, labels)
    return [str(p) for p in paths], joint.astype(np.float32), bone.astype(np.float32), labels


def test_load_prediction_dump_reads_the_dump_format(two_dumps):
    paths, joint, _, labels = two_dumps
    records = load_prediction_dump(paths[0])
    assert len(records) == 30
    assert torch.equal(records[3]['pred_score'], torch.from_numpy(joint[3]))
    assert records[3]['gt_label'].tolist() == [labels[3]]


def test_fuse_results_equals_hand_fusion(two_dumps, capsys):
    paths, joint, bone, labels = two_dumps
    results = load_tool().main(paths + ['--weights', '2', '1', '--topk', '1', '5'])

    fused = (2 * joint.astype(np.float64) + bone) / 3
    order = np.argsort(-fused, axis=1)
    expected = {k: float(np.mean([labels[i] in order[i, :k] for i in range(30)]))
                for k in (1, 5)}
    assert results['fused'] == pytest.approx(expected)
    assert results['streams'][0][1] == pytest.approx(np.mean(joint.argmax(1) == labels))
    assert results['streams'][1][1] == pytest.approx(np.mean(bone.argmax(1) == labels))
    assert results['fused'] != results['streams'][0]  # fusion changed something
    printed = capsys.readouterr().out
    assert 'joint.pkl (w=2)' in printed and f"top1: {expected[1]:.4f}" in printed

    soft = load_tool().fuse_dumps(paths, ks=(1, ), use_softmax=True)
    fused = (softmax(joint) + softmax(bone)) / 2
    assert soft['fused'][1] == pytest.approx(np.mean(fused.argmax(1) == labels))


def test_fuse_results_rejects_mismatched_dumps(two_dumps, tmp_path):
    paths, joint, bone, labels = two_dumps
    tool = load_tool()
    short = tmp_path / 'short.pkl'
    write_dump(short, bone[:29], labels[:29])
    with pytest.raises(ValueError, match='has 29 samples'):
        tool.fuse_dumps([paths[0], str(short)])

    shuffled_labels = labels.copy()
    shuffled_labels[[4, 5]] = (labels[4] + 1) % 6, labels[4]
    other = tmp_path / 'other.pkl'
    write_dump(other, bone, shuffled_labels)
    with pytest.raises(ValueError, match='sample 4: gt_label'):
        tool.fuse_dumps([paths[0], str(other)])

    names = [f'clip{i}' for i in range(30)]
    a, b = tmp_path / 'a.pkl', tmp_path / 'b.pkl'
    write_dump(a, joint, labels, frame_dir=names)
    write_dump(b, bone, labels, frame_dir=names[:7] + ['x'] + names[8:])
    with pytest.raises(ValueError, match="sample 7: frame_dir is 'clip7'"):
        tool.fuse_dumps([str(a), str(b)])

    fewer_classes = tmp_path / 'c5.pkl'
    write_dump(fewer_classes, bone[:, :5], labels)
    with pytest.raises(ValueError, match='class'):
        tool.fuse_dumps([paths[0], str(fewer_classes)])


class _MakesDirectory:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.mkdir, (self.path, )


class _TensorWithHooks:
    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, (
            torch.ones(2).storage(), 0, (2, ), (1, ), False, collections.OrderedDict([(0, 1)]))


@pytest.mark.filterwarnings('ignore:TypedStorage is deprecated')
def test_restricted_loader_refuses_code(tmp_path):
    target = tmp_path / 'made_by_pickle'
    evil = tmp_path / 'evil.pkl'
    evil.write_bytes(pickle.dumps([dict(pred_score=_MakesDirectory(str(target)), gt_label=0)]))
    with pytest.raises(pickle.UnpicklingError, match='forbidden global'):
        load_prediction_dump(evil)
    assert not target.exists()
    hooks = tmp_path / 'hooks.pkl'
    hooks.write_bytes(pickle.dumps([dict(pred_score=_TensorWithHooks(), gt_label=0)]))
    with pytest.raises(pickle.UnpicklingError, match='backward hooks'):
        load_prediction_dump(hooks)
    with pytest.raises(FileNotFoundError):
        load_prediction_dump(tmp_path / 'missing.pkl')


@pytest.mark.slow
def test_fuse_results_cli_reports_errors(two_dumps, tmp_path):
    paths, *_ = two_dumps
    proc = subprocess.run([sys.executable, str(FUSE_TOOL), paths[0], str(tmp_path / 'no.pkl')],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode != 0
    assert 'prediction dump not found' in proc.stderr


def test_stream_complementarity_by_hand():
    labels = np.array([0, 1, 2, 0])
    one_hot = np.eye(3)
    a = one_hot[[0, 1, 1, 2]]  # right on samples 0, 1
    b = one_hot[[0, 2, 2, 2]]  # right on sample 0
    c = one_hot[[1, 1, 2, 0]]  # right on samples 1, 2, 3
    out = stream_complementarity([a, b, c], labels)
    # pairs agree on: a-b 0, 3 (2/4); a-c 1 (1/4); b-c 2 (1/4)
    assert out['agreement'] == pytest.approx((2 / 4 + 1 / 4 + 1 / 4) / 3)
    assert out['oracle'] == 1.0  # every sample has a right stream
    assert stream_complementarity([a, a], labels) == dict(agreement=1.0, oracle=0.5)
    with pytest.raises(ValueError, match='two or more streams'):
        stream_complementarity([a], labels)
    with pytest.raises(ValueError, match='labels must lie'):
        stream_complementarity([a, b], np.array([0, 1, 2, 3]))
