"""Several single-stream recognizers evaluated together, scores fused (docs/protocols.md)."""
import copy
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.model import BaseModel, ModuleDict

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from ...structures import feat_field
from ..utils.data_preprocessor import build_data_preprocessor


@MODELS.register_module()
class MultiStreamRecognizer(BaseModel):
    """One encoder + head per stream on the same joints; fused class scores.

    Each stream ``name`` is a :class:`SkeletonRecognizer` (by default) that
    computes its own ``modality`` from the joints, exactly as in its
    single-stream linear / finetune config, so a stream here scores like it.
    Fused score: ``sum_s w_s * p_s / sum_s w_s`` with ``p_s`` the stream's
    softmax probabilities (``fuse='prob'``) or raw scores (``fuse='score'``,
    CMD's ``view='all'`` averages logits).

    State-dict keys are ``streams.<name>.<key of the stream checkpoint>``;
    :func:`merge_stream_checkpoints` (``tools/analysis/merge_streams.py``)
    builds such a checkpoint from single-stream linear / finetune checkpoints.

    Args:
        streams (dict): ``{name: dict(modality=..., backbone=..., cls_head=...)}``,
            one to six streams; an optional ``type`` (default
            ``'SkeletonRecognizer'``) and other recognizer arguments are passed on.
        weights (Sequence[float], optional): one non-negative weight per stream
            (in ``streams`` order), not all zero. Defaults to equal weights.
        fuse (str): ``'prob'`` (default) or ``'score'``.
        store_features (bool): ``predict`` also stores each stream's pooled
            encoder representation as ``feat_<name>`` (what ``KNNMetric``
            reads: kNN evaluation of linear / finetune checkpoints).
            Defaults to False.
        layout (str): skeleton layout of the streams (unless a stream sets its own).
        data_preprocessor (dict, optional): Defaults to ``ActionDataPreprocessor``.

    Inputs: joints ``(N, num_clips, M, T, V, C)``. ``predict`` sets
    ``pred_score`` (fused, ``(num_classes,)``), ``pred_label`` and
    ``pred_score_<name>`` per stream. Training is not supported: train each
    stream with its own config.
    """

    def __init__(self,
                 streams: Dict[str, Dict],
                 weights: Optional[Sequence[float]] = None,
                 fuse: str = 'prob',
                 store_features: bool = False,
                 layout: str = 'nturgb+d',
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg=None) -> None:
        super().__init__(data_preprocessor=build_data_preprocessor(data_preprocessor),
                         init_cfg=init_cfg)
        if not isinstance(streams, dict) or not 1 <= len(streams) <= 6:
            raise ValueError('MultiStreamRecognizer: streams must be a dict of 1 to 6 '
                             f'streams, got {streams!r}')
        if fuse not in ('prob', 'score'):
            raise ValueError(f"MultiStreamRecognizer: fuse must be 'prob' or 'score', got {fuse!r}")
        weights = [1.0] * len(streams) if weights is None else [float(w) for w in weights]
        if len(weights) != len(streams) or min(weights) < 0 or sum(weights) <= 0:
            raise ValueError(f'MultiStreamRecognizer: {len(streams)} streams need as many '
                             f'non-negative weights, not all zero; got {weights}')
        self.weights = weights
        self.fuse = fuse
        self.store_features = store_features
        built = {}
        for name, cfg in streams.items():
            cfg = copy.deepcopy(dict(cfg))
            if 'modality' not in cfg:
                raise ValueError(f'MultiStreamRecognizer: stream {name!r} needs a modality')
            cfg.setdefault('type', 'SkeletonRecognizer')
            cfg.setdefault('layout', layout)
            built[name] = MODELS.build(cfg)
        self.streams = ModuleDict(built)

    @staticmethod
    def _check_inputs(inputs: torch.Tensor) -> None:
        if inputs.dim() != 6:
            raise ValueError('MultiStreamRecognizer expects (N, num_clips, M, T, V, C) joints, '
                             f'got {tuple(inputs.shape)}')

    def stream_features(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Per-stream representation ``(N, D)``: the backbone output, pooled over
        (T, V) then persons for graph features ``(N, M, C, T, V)`` (as
        ``GCNHead`` / ``SkeletonGlobalPool``), averaged over clips."""
        self._check_inputs(inputs)
        n, clips = inputs.shape[:2]
        out = {}
        for name, model in self.streams.items():
            feat, _ = model.extract_feat(inputs, stage='backbone')
            if feat.dim() == 5:
                feat = feat.mean(dim=(3, 4)).mean(dim=1)
            out[name] = feat.view(n, clips, -1).mean(dim=1)
        return out

    def stream_scores(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Per-stream class scores ``(N, num_classes)`` averaged over clips like
        the stream heads do at test time (``prob`` or ``score`` per ``fuse``)."""
        self._check_inputs(inputs)
        n, clips = inputs.shape[:2]
        out = {}
        for name, model in self.streams.items():
            scores, _ = model.extract_feat(inputs, stage='head')
            if self.fuse == 'prob':
                scores = scores.softmax(dim=-1)
            out[name] = scores.view(n, clips, -1).mean(dim=1)
        return out

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None
                ) -> List[ActionDataSample]:
        scores = self.stream_scores(inputs)
        fused = sum(w * s for w, s in zip(self.weights, scores.values())) / sum(self.weights)
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(inputs.shape[0])]
        for i, sample in enumerate(data_samples):
            sample.set_pred_score(fused[i])
            sample.set_pred_label(fused[i].argmax(dim=-1, keepdim=True))
            for name, s in scores.items():
                sample.set_field(s[i], f'pred_score_{name}')
        if self.store_features:
            for name, feat in self.stream_features(inputs).items():
                for sample, f in zip(data_samples, feat):
                    sample.set_field(f, feat_field(name))
        return data_samples

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[ActionDataSample]] = None, mode: str = 'tensor'):
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.stream_scores(inputs)
        raise ValueError(f"MultiStreamRecognizer: mode {mode!r} is not supported ('predict', "
                         "'tensor'); train every stream with its own config")


def merge_stream_checkpoints(paths: Dict[str, str]) -> Dict[str, torch.Tensor]:
    """``{name: checkpoint}`` of single-stream recognizers -> one state dict
    with keys ``streams.<name>.<key>`` for :class:`MultiStreamRecognizer`."""
    from mmengine.runner.checkpoint import _load_checkpoint
    merged = {}
    for name, path in paths.items():
        ckpt = _load_checkpoint(path, map_location='cpu')
        state = ckpt.get('state_dict', ckpt)
        if not any(k.startswith('cls_head.') for k in state):
            raise ValueError(f'{path}: stream {name!r} needs a trained recognizer checkpoint '
                             '(backbone.* and cls_head.* keys), e.g. from a linear config; '
                             f'found top-level keys {sorted({k.split(".")[0] for k in state})}')
        merged.update({f'streams.{name}.{k}': v for k, v in state.items()})
    return merged
