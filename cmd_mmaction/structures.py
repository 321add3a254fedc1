"""Names of the data-sample fields that tie models, datasets and metrics together.

Self-supervised models (and ``MultiStreamRecognizer(store_features=True)``) store one
representation per modality as ``feat_<modality>``; ``KNNBankDataset`` marks every
sample with ``knn_bank`` (True: bank, False: query); ``KNNMetric`` reads both.
"""
FEAT_PREFIX = 'feat_'
KNN_BANK = 'knn_bank'


def feat_field(modality: str) -> str:
    """The data-sample field holding the representation of ``modality``."""
    return FEAT_PREFIX + modality
