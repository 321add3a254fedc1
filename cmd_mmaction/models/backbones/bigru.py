"""BiGRU skeleton encoder of CMD (docs/method_cmd.md, Encoder; official ``moco/GRU.py``)."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmaction.registry import MODELS

BIGRU_MODES = ('official', 'bidirectional')
BIGRU_READOUTS = ('last', 'mean')


def _autocast_dtype(device_type: str) -> Optional[torch.dtype]:
    """The lower precision of an active autocast region on ``device_type``, or None."""
    if torch.is_autocast_enabled(device_type):
        return torch.get_autocast_dtype(device_type)
    return None


@MODELS.register_module()
class BiGRU(BaseModule):
    """Batch-normalised 3-layer bidirectional GRU over per-frame pose vectors.

    Each frame is flattened to one vector (feature index ``v*C*M + c*M + m``:
    joint-major, then xyz, then person — the official layout, so released CMD
    checkpoints load), normalised by ``BatchNorm1d`` (statistics over N*T),
    and fed to a stacked GRU. The representation is the top layer's output at
    the last frame (``readout='last'``, the official choice), ``2 * hidden`` wide.

    Two modes:

    - ``'official'`` (default): what the official code computes. It calls the
      bidirectional GRU one frame at a time, carrying the hidden state, so
      *both* directions are forward-in-time recurrences (the "reverse" one
      just has its own weights). Here each layer runs two whole-sequence
      unidirectional GRUs (``*_reverse`` weights for the second) and
      concatenates them as the next layer's input: numerically the per-frame
      loop, without a Python loop over time.
    - ``'bidirectional'``: a true bidirectional GRU over the whole sequence.
      The feature is the final state of each direction of the top layer
      (forward after frame T-1, backward after frame 0), so both halves
      summarise the whole clip; the backward *output at T-1* would have seen
      only the last frame.

    Readout: ``readout='mean'`` averages the top layer's outputs over all frames
    instead (both directions, in either mode). Not in the papers: an option for
    short trainings, where a last-frame state has had little time to learn to
    summarise the clip (README, "The main job", measures it). Parameters and
    checkpoints are the same for both readouts.

    Mixed precision: CPU autocast leaves GRU kernels in fp32 (they are not on
    its op list), yet a bf16 GRU runs ~4x faster on a CPU with AVX512-BF16.
    Inside an autocast region the GRU input and weights are therefore cast to
    the autocast dtype here (the fp32 weights stay the optimizer's master
    copy; gradients flow back through the cast), as autocast does for
    ``linear``; the output then has the autocast dtype.

    Parameters live in one ``nn.GRU(bidirectional=True)`` (``gru``) and the
    input norm is ``input_norm``, so state-dict keys match the official
    ``BIGRU`` (``encoder.gru.*`` -> ``gru.*``, ``input_norm.*``) in both modes.

    Args:
        in_channels (int): coordinates per joint C. Defaults to 3.
        num_joints (int): joints per person V. Defaults to 25.
        num_person (int): persons M. Defaults to 2.
        hidden (int): GRU hidden size per direction. Defaults to 1024.
        num_layers (int): stacked GRU layers. Defaults to 3.
        mode (str): ``'official'`` or ``'bidirectional'``.
        readout (str): ``'last'`` frame (official) or ``'mean'`` over frames.
        init_cfg (dict or list[dict], optional): applied after the default
            init (xavier-uniform on every 2-D GRU weight, as the official code;
            biases and BN keep PyTorch defaults), e.g. ``Pretrained``.

    Shapes:
        input: ``(N, M, T, V, C)`` float, like mmaction2's ``STGCN``.
        output: ``(N, 2 * hidden)``.
    """

    def __init__(self,
                 in_channels: int = 3,
                 num_joints: int = 25,
                 num_person: int = 2,
                 hidden: int = 1024,
                 num_layers: int = 3,
                 mode: str = 'official',
                 readout: str = 'last',
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if mode not in BIGRU_MODES:
            raise ValueError(f'BiGRU: mode must be one of {BIGRU_MODES}, got {mode!r}')
        if readout not in BIGRU_READOUTS:
            raise ValueError(f'BiGRU: readout must be one of {BIGRU_READOUTS}, got {readout!r}')
        self.in_channels = in_channels
        self.num_joints = num_joints
        self.num_person = num_person
        self.hidden = hidden
        self.num_layers = num_layers
        self.mode = mode
        self.readout = readout
        self.out_channels = 2 * hidden
        num_features = num_joints * in_channels * num_person
        self.input_norm = nn.BatchNorm1d(num_features)
        self.gru = nn.GRU(num_features, hidden, num_layers=num_layers,
                          bidirectional=True, batch_first=True)

    def init_weights(self) -> None:
        """Xavier-uniform on 2-D GRU weights, then ``init_cfg`` (if any)."""
        for param in self.gru.parameters():
            if param.dim() == 2:
                nn.init.xavier_uniform_(param)
        super().init_weights()

    def _flatten_frames(self, x: torch.Tensor) -> torch.Tensor:
        """(N, M, T, V, C) -> batch-normalised (N, T, V*C*M)."""
        expected = (self.num_person, self.num_joints, self.in_channels)
        if x.dim() != 5 or (x.shape[1], x.shape[3], x.shape[4]) != expected:
            raise ValueError(
                f'BiGRU expects input (N, M={expected[0]}, T, V={expected[1]}, '
                f'C={expected[2]}), got {tuple(x.shape)}')
        n, _, t = x.shape[:3]
        x = x.permute(0, 2, 3, 4, 1).reshape(n, t, -1)
        return self.input_norm(x.transpose(1, 2)).transpose(1, 2)

    def _direction_weights(self, layer: int, reverse: bool,
                           dtype: Optional[torch.dtype]) -> List[torch.Tensor]:
        suffix = f'_l{layer}' + ('_reverse' if reverse else '')
        weights = [getattr(self.gru, name + suffix)
                   for name in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')]
        return [w.to(dtype) for w in weights] if dtype else weights

    def _forward_official(self, x: torch.Tensor, dtype: Optional[torch.dtype]) -> torch.Tensor:
        h0 = x.new_zeros(1, x.shape[1], self.hidden)
        for layer in range(self.num_layers):
            outputs = [
                torch._VF.gru(x, h0, self._direction_weights(layer, reverse, dtype), True,
                              1, 0.0, self.training, False, False)[0]
                for reverse in (False, True)
            ]
            x = torch.cat(outputs, dim=2)  # both directions ran forward in time
        return x.mean(dim=0) if self.readout == 'mean' else x[-1]

    def _forward_bidirectional(self, x: torch.Tensor,
                               dtype: Optional[torch.dtype]) -> torch.Tensor:
        h0 = x.new_zeros(2 * self.num_layers, x.shape[1], self.hidden)
        weights = self.gru._flat_weights
        weights = [w.to(dtype) for w in weights] if dtype else weights
        out, h_n = torch._VF.gru(x, h0, weights, True, self.num_layers, self.gru.dropout,
                                 self.training, True, False)  # h_n: (num_layers * 2, N, hidden)
        if self.readout == 'mean':
            return out.mean(dim=0)
        return torch.cat([h_n[-2], h_n[-1]], dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, M, T, V, C) -> (N, 2 * hidden)."""
        # time-major and contiguous: the GRU then projects the inputs of all frames
        # in one matmul; a batch-first input is transposed inside the GRU and its
        # projection falls back to a bmm against a weight copied once per sample
        x = self._flatten_frames(x).transpose(0, 1).contiguous()  # (T, N, V*C*M)
        dtype = _autocast_dtype(x.device.type)
        if dtype is not None:
            x = x.to(dtype)
        if self.mode == 'official':
            return self._forward_official(x, dtype)
        return self._forward_bidirectional(x, dtype)
