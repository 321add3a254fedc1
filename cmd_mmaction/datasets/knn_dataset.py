"""A bank + query dataset for kNN evaluation through mmengine's val/test loops."""
import copy
from typing import List, Union

from mmengine.dataset import BaseDataset, ConcatDataset
from mmengine.structures import BaseDataElement

from mmaction.registry import DATASETS
from ..structures import KNN_BANK

__all__ = ['KNNBankDataset']


@DATASETS.register_module()
class KNNBankDataset(ConcatDataset):
    """Concatenation ``bank + query`` whose samples say which part they are from.

    kNN evaluation needs features of the training split (the *bank*) and of the
    test split (the *queries*) in one pass of a standard val/test loop. This
    dataset yields the ``len(bank)`` bank samples first, then the
    ``len(query)`` query samples, and sets ``knn_bank=True`` / ``False`` in the
    metainfo of each packed data sample, which :class:`KNNMetric` reads. The
    flag is set on the packed ``data_samples`` after the wrapped dataset's
    pipeline ran, so the pipelines need no extra ``meta_keys``.

    Works with ``DefaultSampler(shuffle=False)`` in any number of processes:
    mmengine's ``collect_results`` restores dataset order and drops padding.

    Args:
        bank (dict | BaseDataset): the bank dataset (train split, evaluation
            pipeline, e.g. centre crop). Dict configs are built with
            mmaction2's ``DATASETS`` and get ``test_mode=True`` unless they set it
            (in train mode mmengine silently replaces a failing sample by a random
            one, which would corrupt the bank's labels).
        query (dict | BaseDataset): the query dataset (test split), same rules.
        lazy_init (bool): defer loading the annotations. Defaults to False.
        ignore_keys (str | list[str], optional): metainfo keys allowed to
            differ between ``bank`` and ``query``.

    Each item is the wrapped dataset's packed output, e.g.
    ``dict(inputs=Tensor, data_samples=ActionDataSample)`` with
    ``data_samples.metainfo['knn_bank']`` set.
    """

    def __init__(self,
                 bank: Union[dict, BaseDataset],
                 query: Union[dict, BaseDataset],
                 lazy_init: bool = False,
                 ignore_keys: Union[str, List[str], None] = None) -> None:
        datasets = [self._build(bank, 'bank'), self._build(query, 'query')]
        super().__init__(datasets, lazy_init=lazy_init, ignore_keys=ignore_keys)

    @staticmethod
    def _build(dataset: Union[dict, BaseDataset], role: str) -> BaseDataset:
        if isinstance(dataset, BaseDataset):
            return dataset
        if isinstance(dataset, dict):
            cfg = copy.deepcopy(dataset)
            cfg.setdefault('test_mode', True)
            # mmaction2's registry (not mmengine's) so that 'PoseDataset' resolves
            # without a default scope
            return DATASETS.build(cfg)
        raise TypeError(f'KNNBankDataset: `{role}` must be a dataset config dict or a '
                        f'BaseDataset, got {type(dataset).__name__}')

    @property
    def num_bank(self) -> int:
        """Number of bank samples (they come first)."""
        return len(self.datasets[0])

    @property
    def num_query(self) -> int:
        """Number of query samples (they follow the bank)."""
        return len(self.datasets[1])

    def is_bank(self, idx: int) -> bool:
        """Whether global index ``idx`` is a bank sample."""
        return self._get_ori_dataset_idx(idx)[0] == 0

    def __getitem__(self, idx: int) -> dict:
        if not self._fully_initialized:
            self.full_init()
        part, local_idx = self._get_ori_dataset_idx(idx)
        results = self.datasets[part][local_idx]
        data_sample = results.get('data_samples') if isinstance(results, dict) else None
        if not isinstance(data_sample, BaseDataElement):
            role = 'bank' if part == 0 else 'query'
            raise TypeError(
                f'KNNBankDataset: {role} sample {local_idx} (global index {idx}) has no '
                'packed `data_samples`; the pipeline must end with PackActionInputs '
                f'(got {type(results).__name__} with keys '
                f'{sorted(results) if isinstance(results, dict) else "-"})')
        data_sample.set_metainfo({KNN_BANK: part == 0})
        return results
