"""KNNMetric (kNN accuracy, bank vs. queries) and KNNBankDataset."""
import json
import os
import pickle
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import normalize

import cmd_mmaction  # noqa: F401  (registers KNNMetric / KNNBankDataset)
from cmd_mmaction.datasets import KNNBankDataset
from cmd_mmaction.evaluation import KNNMetric
from cmd_mmaction.evaluation.knn_metric import knn_vote
from mmaction.registry import DATASETS, METRICS
from mmaction.structures import ActionDataSample

GCN_TEST_PIPELINE = [
    dict(type='UniformSampleFrames', clip_len=8, num_clips=1, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]


def clustered(rng, centres, labels, noise):
    """Gaussian samples around ``centres[labels]``, float32 (N, D)."""
    return (centres[labels] + noise * rng.normal(size=(len(labels), centres.shape[1]))
            ).astype(np.float32)


def samples(feats_by_name, labels, bank):
    """``to_dict()``-style data samples, as Evaluator.process hands them to metrics."""
    out = []
    for i, label in enumerate(labels):
        sample = {f'feat_{n}': torch.from_numpy(f[i]) for n, f in feats_by_name.items()}
        sample.update(gt_label=torch.tensor([int(label)]), knn_bank=bool(bank[i]))
        out.append(sample)
    return out


def run_metric(metric, data_samples):
    metric.process(None, data_samples)
    return metric.evaluate(len(data_samples))


def sklearn_1nn(bank_x, bank_y, query_x):
    clf = KNeighborsClassifier(n_neighbors=1, metric='cosine')
    clf.fit(normalize(bank_x), bank_y)
    return clf.predict(normalize(query_x))


@pytest.fixture
def two_modality_data():
    """Overlapping clusters (so accuracy is strictly between 0 and 1), non-contiguous labels."""
    rng = np.random.default_rng(0)
    class_ids = np.array([3, 7, 10, 42])
    centres = rng.normal(size=(4, 16))
    bank_idx, query_idx = rng.integers(0, 4, 60), rng.integers(0, 4, 40)
    joint = np.concatenate([clustered(rng, centres, bank_idx, 0.9),
                            clustered(rng, centres, query_idx, 0.9)])
    motion_centres = rng.normal(size=(4, 8))
    motion = np.concatenate([clustered(rng, motion_centres, bank_idx, 1.0),
                             clustered(rng, motion_centres, query_idx, 1.0)])
    labels = class_ids[np.concatenate([bank_idx, query_idx])]
    bank = np.arange(100) < 60
    return dict(joint=joint, motion=motion), labels, bank


def test_knn_metric_matches_sklearn_1nn_cosine(two_modality_data):
    feats, labels, bank = two_modality_data
    out = run_metric(KNNMetric(query_chunk_size=7), samples(feats, labels, bank))
    assert set(out) == {'knn/joint_top1', 'knn/motion_top1', 'knn/fused_top1'}
    for name in ('joint', 'motion'):
        pred = sklearn_1nn(feats[name][bank], labels[bank], feats[name][~bank])
        expected = float(np.mean(pred == labels[~bank]))
        assert 0 < expected < 1  # the data are not trivially separable
        assert out[f'knn/{name}_top1'] == pytest.approx(expected, abs=1e-12)


def test_process_stores_compact_copies():
    batch = torch.randn(4, 8)  # the model's batch output (float32)
    metric = KNNMetric()
    metric.process(None, [dict(feat_joint=batch[i], gt_label=torch.tensor([0]), knn_bank=True)
                          for i in range(4)])
    stored = metric.results[2]['feats']['joint']
    assert stored.dtype == torch.float32 and torch.equal(stored, batch[2].float())
    assert stored.untyped_storage().nbytes() == 8 * 4  # not the whole batch
    batch.zero_()
    assert stored.abs().sum() > 0


def test_knn_vote_k1_matches_sklearn_predictions(two_modality_data):
    feats, labels, bank = two_modality_data
    x = feats['joint']
    classes, bank_cls = np.unique(labels[bank], return_inverse=True)
    sim = torch.from_numpy(normalize(x[~bank]) @ normalize(x[bank]).T)
    pred = classes[knn_vote(sim, torch.from_numpy(bank_cls), 1, len(classes)).numpy()]
    np.testing.assert_array_equal(pred, sklearn_1nn(x[bank], labels[bank], x[~bank]))


def test_fused_accuracy_equals_average_similarity_vote(two_modality_data):
    feats, labels, bank = two_modality_data
    out = run_metric(KNNMetric(), samples(feats, labels, bank))
    sims = [normalize(f[~bank].astype(np.float64)) @ normalize(f[bank].astype(np.float64)).T
            for f in feats.values()]
    nearest = np.argmax((sims[0] + sims[1]) / 2, axis=1)
    expected = np.mean(labels[bank][nearest] == labels[~bank])
    assert out['knn/fused_top1'] == pytest.approx(expected, abs=1e-12)
    # chunking the queries changes nothing
    chunked = run_metric(KNNMetric(query_chunk_size=3), samples(feats, labels, bank))
    assert chunked == out


def unit_rows(cosines, scale=1.0):
    """2-D vectors at the given cosine to the query (1, 0), scaled (normalisation must undo it)."""
    c = np.asarray(cosines, dtype=np.float64)
    return (scale * np.stack([c, np.sqrt(1 - c**2)], axis=1)).astype(np.float32)


def test_fusion_can_fix_both_streams_by_hand():
    # bank labels 0, 1, 2; the query is class 2.
    # joint cosines (0.9, 0.1, 0.8) -> class 0 (wrong); motion (0.1, 0.9, 0.8) -> class 1
    # (wrong); mean (0.5, 0.5, 0.8) -> class 2 (right)
    joint = np.concatenate([unit_rows([0.9, 0.1, 0.8], 3.0), unit_rows([1.0], 0.5)])
    motion = np.concatenate([unit_rows([0.1, 0.9, 0.8], 2.0), unit_rows([1.0], 7.0)])
    out = run_metric(KNNMetric(), samples(dict(joint=joint, motion=motion),
                                          [0, 1, 2, 2], [True, True, True, False]))
    assert out == {'knn/joint_top1': 0.0, 'knn/motion_top1': 0.0, 'knn/fused_top1': 1.0}
    out = run_metric(KNNMetric(fusion=False, modalities=['motion'], prefix='mon'),
                     samples(dict(joint=joint, motion=motion), [0, 1, 2, 2],
                             [True, True, True, False]))
    assert out == {'mon/motion_top1': 0.0}


def test_knn_vote_majority_then_summed_similarity():
    bank_cls = torch.tensor([0, 1, 1, 0, 2])
    # k=3: neighbours 0 (0.9), 1 (0.8), 2 (0.7) -> classes 0, 1, 1 -> majority class 1
    sim = torch.tensor([[0.9, 0.8, 0.7, 0.1, 0.0]])
    assert knn_vote(sim, bank_cls, 3, 3).tolist() == [1]
    # k=1 takes the nearest
    assert knn_vote(sim, bank_cls, 1, 3).tolist() == [0]
    # k=4, votes tie 2:2; summed similarity: class 0 = 0.9 + 0.1 = 1.0, class 1 = 0.88 + 0.87
    sim = torch.tensor([[0.9, 0.88, 0.87, 0.1, -1.0]])
    assert knn_vote(sim, bank_cls, 4, 3).tolist() == [1]
    # k=2 tie 1:1, summed similarity favours the nearer class 0
    assert knn_vote(sim, bank_cls, 2, 3).tolist() == [0]
    # exact tie in votes and similarity -> lowest class index
    sim = torch.tensor([[0.5, 0.5, 0.0, 0.0, 0.0]])
    assert knn_vote(sim, bank_cls, 2, 3).tolist() == [0]


def test_knn_metric_k3_through_metric():
    # query (class 1) nearest bank sample is class 0, the next two are class 1
    joint = np.concatenate([unit_rows([0.95, 0.9, 0.85, 0.0]), unit_rows([1.0])])
    data = samples(dict(joint=joint), [0, 1, 1, 0, 1], [True] * 4 + [False])
    assert run_metric(KNNMetric(k=1), data) == {'knn/joint_top1': 0.0}
    assert run_metric(KNNMetric(k=3), data) == {'knn/joint_top1': 1.0}


def test_evaluator_with_action_data_samples():
    """Evaluator.process converts ActionDataSample via to_dict before KNNMetric.process."""
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 6)) * 3
    labels = np.tile(np.arange(3), 4)
    x = clustered(rng, centres, labels, 0.3)
    bank = np.arange(12) < 6
    evaluator = Evaluator([METRICS.build(dict(type='KNNMetric'))])
    batch = []
    for i in range(12):
        ds = ActionDataSample().set_gt_label(int(labels[i]))
        ds.set_metainfo(dict(knn_bank=bool(bank[i])))
        ds.feat_joint = torch.from_numpy(x[i])
        batch.append(ds)
    evaluator.process(batch[:5])
    evaluator.process(batch[5:])
    out = evaluator.evaluate(12)
    expected = np.mean(sklearn_1nn(x[bank], labels[bank], x[~bank]) == labels[~bank])
    assert out == {'knn/joint_top1': pytest.approx(expected)}


@pytest.mark.parametrize('bank', [[True, True], [False, False]])
def test_errors_without_bank_or_queries(bank):
    data = samples(dict(joint=np.eye(2, dtype=np.float32)), [0, 1], bank)
    with pytest.raises(ValueError, match='need bank and query'):
        run_metric(KNNMetric(), data)


def test_errors_on_bad_samples():
    good = samples(dict(joint=np.eye(3, dtype=np.float32)), [0, 1, 1], [True, True, False])
    no_feat = [{k: v for k, v in s.items() if k != 'feat_joint'} for s in good]
    with pytest.raises(ValueError, match='no `feat_<modality>`'):
        KNNMetric().process(None, no_feat)
    with pytest.raises(ValueError, match='no `feat_motion`'):
        KNNMetric(modalities='motion').process(None, good)
    no_flag = [{k: v for k, v in s.items() if k != 'knn_bank'} for s in good]
    with pytest.raises(ValueError, match='KNNBankDataset'):
        KNNMetric().process(None, no_flag)
    with pytest.raises(ValueError, match='exceeds the bank size'):
        run_metric(KNNMetric(k=3), good)
    bad_dims = [dict(good[0]), dict(good[1]), dict(good[2], feat_joint=torch.ones(4))]
    with pytest.raises(ValueError, match='dims in the bank'):
        run_metric(KNNMetric(), bad_dims)
    nan = [dict(good[0], feat_joint=torch.tensor([float('nan'), 0., 0.])), good[1], good[2]]
    with pytest.raises(ValueError, match='NaN'):
        run_metric(KNNMetric(), nan)
    with pytest.raises(ValueError, match='1-D'):
        KNNMetric().process(None, [dict(good[0], feat_joint=torch.ones(1, 3))])
    with pytest.raises(ValueError, match="only metric='cosine'"):
        KNNMetric(metric='euclidean')
    with pytest.raises(ValueError, match='positive int'):
        KNNMetric(k=0)


# ----------------------------------------------------------------------------- dataset


def write_pose_pickle(path, train_labels, val_labels, seed=0):
    """A PoseDataset annotation file; keypoints cluster by class (M=1, T=10, V=25, C=3)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(max(train_labels + val_labels) + 1, 1, 1, 25, 3))
    annotations, split = [], dict(xsub_train=[], xsub_val=[])
    for part, labels in (('xsub_train', train_labels), ('xsub_val', val_labels)):
        for i, label in enumerate(labels):
            name = f'{part}_{i:03d}'
            keypoint = centres[label] + 0.5 * rng.normal(size=(1, 10, 25, 3))
            annotations.append(dict(frame_dir=name, label=label, total_frames=10,
                                    img_shape=(1080, 1920), original_shape=(1080, 1920),
                                    keypoint=keypoint.astype(np.float32)))
            split[part].append(name)
    with open(path, 'wb') as f:
        pickle.dump(dict(split=split, annotations=annotations), f)


def knn_bank_cfg(ann_file, pipeline=GCN_TEST_PIPELINE):
    return dict(type='KNNBankDataset',
                bank=dict(type='PoseDataset', ann_file=ann_file, split='xsub_train',
                          pipeline=pipeline),
                query=dict(type='PoseDataset', ann_file=ann_file, split='xsub_val',
                           pipeline=pipeline))


def test_knn_bank_dataset_marks_bank_and_query(tmp_path):
    ann = str(tmp_path / 'tiny.pkl')
    train_labels, val_labels = [0, 1, 2, 0, 1], [2, 1, 0, 2]
    write_pose_pickle(ann, train_labels, val_labels)
    with DefaultScope.overwrite_default_scope('mmaction'):
        ds = DATASETS.build(knn_bank_cfg(ann))
    assert isinstance(ds, KNNBankDataset)
    assert (len(ds), ds.num_bank, ds.num_query) == (9, 5, 4)
    assert all(d.test_mode for d in ds.datasets)  # eval mode by default
    flags, labels = [], []
    for i in range(len(ds)):
        item = ds[i]
        assert item['inputs'].shape == (1, 2, 8, 25, 3)
        flags.append(item['data_samples'].metainfo['knn_bank'])
        labels.append(int(item['data_samples'].gt_label))
        assert ds.is_bank(i) == flags[-1]
    assert flags == [True] * 5 + [False] * 4
    assert labels == train_labels + val_labels


def test_knn_bank_dataset_needs_packed_samples(tmp_path):
    ann = str(tmp_path / 'tiny.pkl')
    write_pose_pickle(ann, [0, 1], [1])
    with DefaultScope.overwrite_default_scope('mmaction'):
        ds = DATASETS.build(knn_bank_cfg(ann, pipeline=[]))
    with pytest.raises(TypeError, match='PackActionInputs'):
        ds[2]
    with pytest.raises(TypeError, match='`query` must be'):
        KNNBankDataset(bank=ds.datasets[0], query=[1, 2])


WORKER = textwrap.dedent('''
    import json, sys
    import torch
    import torch.distributed as dist
    from mmengine.dataset import DefaultSampler, pseudo_collate
    from mmengine.evaluator import Evaluator
    from mmengine.registry import DefaultScope
    import cmd_mmaction  # noqa: F401
    from cmd_mmaction.evaluation import KNNMetric
    from mmaction.registry import DATASETS

    class RecordingKNN(KNNMetric):
        def compute_metrics(self, results):
            out = super().compute_metrics(results)
            out['num_bank'] = sum(r['bank'] for r in results)
            out['num_query'] = sum(not r['bank'] for r in results)
            return out

    def run(cfg, out_path):
        with DefaultScope.overwrite_default_scope('mmaction'):
            ds = DATASETS.build(cfg)
        loader = torch.utils.data.DataLoader(ds, batch_size=2, collate_fn=pseudo_collate,
                                             sampler=DefaultSampler(ds, shuffle=False))
        evaluator = Evaluator([RecordingKNN()])
        for batch in loader:
            for inputs, sample in zip(batch['inputs'], batch['data_samples']):
                sample.feat_joint = inputs.flatten().float()
                sample.feat_motion = inputs.diff(dim=-3).flatten().float()
            evaluator.process(batch['data_samples'])
        metrics = evaluator.evaluate(len(ds))
        if out_path is not None:
            with open(out_path, 'w') as f:
                json.dump(metrics, f)
        return metrics

    if __name__ == '__main__':
        dist.init_process_group('gloo', init_method='env://')
        run(json.loads(sys.argv[1]), sys.argv[2] if dist.get_rank() == 0 else None)
        dist.destroy_process_group()
''')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_evaluation_equals_one_process(tmp_path):
    """9 samples over 2 ranks (DefaultSampler pads one): collected results equal 1 process."""
    ann = str(tmp_path / 'tiny.pkl')
    write_pose_pickle(ann, [0, 1, 2, 0, 1], [2, 1, 0, 2], seed=3)
    worker = tmp_path / 'knn_worker.py'
    worker.write_text(WORKER)
    cfg = knn_bank_cfg(ann)

    sys.path.insert(0, str(tmp_path))
    try:
        import knn_worker
        single = knn_worker.run(cfg, None)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop('knn_worker', None)
    assert (single['knn/num_bank'], single['knn/num_query']) == (5, 4)

    out = tmp_path / 'metrics.json'
    env = dict(os.environ, MASTER_ADDR='127.0.0.1', MASTER_PORT=str(free_port()),
               WORLD_SIZE='2')
    procs = [subprocess.Popen([sys.executable, str(worker), json.dumps(cfg), str(out)],
                              env=dict(env, RANK=str(r), LOCAL_RANK=str(r)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for r in range(2)]
    logs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), '\n'.join(logs)
    assert json.loads(out.read_text()) == single
