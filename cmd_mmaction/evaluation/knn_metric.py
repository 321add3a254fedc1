"""k-nearest-neighbour accuracy of frozen features (docs/protocols.md, kNN)."""
from typing import Any, Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmaction.registry import METRICS
from ..structures import FEAT_PREFIX, KNN_BANK, feat_field

__all__ = ['KNNMetric', 'knn_vote']



def knn_vote(sim: torch.Tensor, bank_classes: torch.Tensor, k: int,
             num_classes: int) -> torch.Tensor:
    """Predict a class per query from its similarities to the bank.

    ``k == 1``: the class of the most similar bank sample (ties in similarity go
    to the lowest bank index). ``k > 1``: majority vote among the ``k`` most
    similar bank samples; a tie in votes goes to the class whose voters have
    the largest summed similarity, and a remaining tie to the lowest class index.

    Args:
        sim (Tensor): similarities, shape (Q, B), larger = closer.
        bank_classes (Tensor): class index in ``[0, num_classes)`` of each bank
            sample, int64, shape (B,).
        k (int): number of neighbours, ``1 <= k <= B``.
        num_classes (int): number of classes.

    Returns:
        Tensor: predicted class indices, int64, shape (Q,).
    """
    if k == 1:
        return bank_classes[sim.argmax(dim=1)]
    values, index = sim.topk(k, dim=1)                      # (Q, k)
    voters = bank_classes[index]                            # (Q, k)
    votes = torch.zeros(sim.shape[0], num_classes, dtype=torch.int64)
    votes.scatter_add_(1, voters, torch.ones_like(voters))
    summed_sim = torch.zeros(sim.shape[0], num_classes, dtype=torch.float64)
    summed_sim.scatter_add_(1, voters, values.double())
    most_voted = votes == votes.max(dim=1, keepdim=True).values
    return summed_sim.masked_fill(~most_voted, float('-inf')).argmax(dim=1)


@METRICS.register_module()
class KNNMetric(BaseMetric):
    """kNN classification accuracy of per-sample features, bank vs. queries.

    Use with :class:`KNNBankDataset` (it marks each data sample with
    ``knn_bank``) and a model whose ``predict`` stores one 1-D feature per
    modality as data fields ``feat_<modality>`` (e.g. ``feat_joint``). Bank
    samples (train split) are the neighbours; query samples (test split) are
    classified and scored. Features are L2-normalised and compared by cosine
    similarity, like sklearn's ``KNeighborsClassifier(metric='cosine')`` on
    ``preprocessing.normalize``-d features.

    Metrics (fractions in [0, 1], like mmaction2's ``AccMetric``), under
    ``prefix`` (default ``knn``): ``<modality>_top1`` for every modality, and
    ``fused_top1`` when ``fusion`` and more than one modality: neighbours by the
    mean of the per-modality cosine-similarity matrices.

    Args:
        k (int): number of neighbours; see :func:`knn_vote` for the vote.
            Defaults to 1 (the CMD protocol).
        metric (str): similarity; only ``'cosine'``.
        modalities (Sequence[str], optional): modality names to evaluate (the
            data fields are ``feat_<name>``). None: every ``feat_*`` field of
            the first sample.
        fusion (bool): also report the fused accuracy. Defaults to True.
        query_chunk_size (int): queries per similarity block; memory is
            ``query_chunk_size x num_bank`` floats per modality.
        collect_device, prefix, collect_dir: see ``mmengine.evaluator.BaseMetric``.
    """
    default_prefix: Optional[str] = 'knn'

    def __init__(self,
                 k: int = 1,
                 metric: str = 'cosine',
                 modalities: Optional[Sequence[str]] = None,
                 fusion: bool = True,
                 query_chunk_size: int = 1024,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix,
                         collect_dir=collect_dir)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f'KNNMetric: k must be a positive int, got {k!r}')
        if metric != 'cosine':
            raise ValueError(f"KNNMetric: only metric='cosine' is supported, got {metric!r}")
        if modalities is not None:
            if isinstance(modalities, str):
                modalities = [modalities]
            modalities = list(modalities)
            if not modalities or len(set(modalities)) != len(modalities):
                raise ValueError(f'KNNMetric: modalities must be non-empty and unique, '
                                 f'got {modalities}')
        if query_chunk_size < 1:
            raise ValueError(f'KNNMetric: query_chunk_size must be >= 1, got {query_chunk_size}')
        self.k = k
        self.metric = metric
        self.modalities = modalities
        self.fusion = fusion
        self.query_chunk_size = query_chunk_size

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Store each sample's features (float32, CPU), label and bank flag.

        Args:
            data_batch: unused.
            data_samples (Sequence[dict]): ``data_sample.to_dict()`` of each
                sample, with ``feat_<modality>`` (shape (D,)), ``gt_label``
                (shape (1,) or int) and ``knn_bank`` (bool).
        """
        for sample in data_samples:
            if KNN_BANK not in sample:
                raise ValueError(
                    'KNNMetric: a data sample has no `knn_bank` flag; wrap the val/test '
                    'dataset in KNNBankDataset(bank=<train split>, query=<test split>)')
            names = self.modalities or sorted(
                key[len(FEAT_PREFIX):] for key in sample if key.startswith(FEAT_PREFIX))
            if not names:
                raise ValueError(
                    'KNNMetric: a data sample has no `feat_<modality>` field; the model\'s '
                    f'predict must store features there (sample keys: {sorted(sample)})')
            feats = {}
            for name in names:
                if feat_field(name) not in sample:
                    raise ValueError(f'KNNMetric: data sample has no `{FEAT_PREFIX}{name}` '
                                     f'(sample keys: {sorted(sample)})')
                feat = torch.as_tensor(sample[feat_field(name)]).detach()
                if feat.ndim != 1:
                    raise ValueError(f'KNNMetric: `{FEAT_PREFIX}{name}` must be 1-D per '
                                     f'sample, got shape {tuple(feat.shape)}')
                # copy: a row view of the batch output would keep (and, when results
                # are pickled for collection, serialise) the whole batch's storage
                feats[name] = feat.to(device='cpu', dtype=torch.float32, copy=True)
            self.results.append(dict(feats=feats, label=self._label(sample),
                                     bank=bool(sample[KNN_BANK])))

    @staticmethod
    def _label(sample: dict) -> int:
        if 'gt_label' not in sample:
            raise ValueError(f'KNNMetric: data sample has no `gt_label` '
                             f'(sample keys: {sorted(sample)})')
        label = torch.as_tensor(sample['gt_label'])
        if label.numel() != 1:
            raise ValueError(f'KNNMetric: single-label samples only, got gt_label of shape '
                             f'{tuple(label.shape)}')
        return int(label.item())

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """kNN accuracy of the query samples against the bank samples.

        Returns:
            dict: ``{'<modality>_top1': float, ..., 'fused_top1': float}``.
        """
        bank = [r for r in results if r['bank']]
        query = [r for r in results if not r['bank']]
        if not bank or not query:
            raise ValueError(f'KNNMetric: need bank and query samples, got {len(bank)} bank '
                             f'and {len(query)} query samples')
        if self.k > len(bank):
            raise ValueError(f'KNNMetric: k={self.k} exceeds the bank size {len(bank)}')
        names = list(results[0]['feats'])
        for r in results:
            if list(r['feats']) != names:
                raise ValueError(f'KNNMetric: samples disagree on modalities: {names} vs '
                                 f'{list(r["feats"])}')

        bank_labels = torch.tensor([r['label'] for r in bank])
        query_labels = torch.tensor([r['label'] for r in query])
        classes, bank_classes = torch.unique(bank_labels, return_inverse=True)
        bank_feats = {n: self._normalised(bank, n, 'bank') for n in names}
        query_feats = {n: self._normalised(query, n, 'query') for n in names}
        for n in names:
            if bank_feats[n].shape[1] != query_feats[n].shape[1]:
                raise ValueError(f'KNNMetric: `{FEAT_PREFIX}{n}` has {bank_feats[n].shape[1]} '
                                 f'dims in the bank but {query_feats[n].shape[1]} in queries')

        fuse = self.fusion and len(names) > 1
        keys = names + (['fused'] if fuse else [])
        correct = dict.fromkeys(keys, 0)
        for start in range(0, len(query), self.query_chunk_size):
            stop = start + self.query_chunk_size
            labels = query_labels[start:stop]
            fused_sim = None
            for name in names:
                sim = query_feats[name][start:stop] @ bank_feats[name].T  # (q, B)
                pred = knn_vote(sim, bank_classes, self.k, len(classes))
                correct[name] += int((classes[pred] == labels).sum())
                if fuse:
                    fused_sim = sim if fused_sim is None else fused_sim.add_(sim)
            if fuse:
                pred = knn_vote(fused_sim / len(names), bank_classes, self.k, len(classes))
                correct['fused'] += int((classes[pred] == labels).sum())

        print_log(f'KNNMetric: k={self.k}, {len(bank)} bank / {len(query)} query samples, '
                  f'modalities {names}', logger='current')
        return {f'{key}_top1': correct[key] / len(query) for key in keys}

    @staticmethod
    def _normalised(samples: List[dict], name: str, role: str) -> torch.Tensor:
        dims = {r['feats'][name].shape[0] for r in samples}
        if len(dims) != 1:
            raise ValueError(f'KNNMetric: {role} features `{FEAT_PREFIX}{name}` have '
                             f'different lengths {sorted(dims)}')
        feats = torch.stack([r['feats'][name] for r in samples])
        if not torch.isfinite(feats).all():
            raise ValueError(f'KNNMetric: {role} features `{FEAT_PREFIX}{name}` contain '
                             'NaN or inf')
        # zero vectors stay zero (similarity 0 to everything), as in sklearn's normalize
        return F.normalize(feats, p=2, dim=1)
