"""Resampling a skeleton sequence in time."""
import numpy as np


def resize_time(kp: np.ndarray, length: int) -> np.ndarray:
    """Linear resize along time (axis 1) with half-pixel centres.

    Equals ``F.interpolate(mode='bilinear', align_corners=False)`` on a
    ``(C·V·M, T)`` image and OpenCV's ``INTER_LINEAR`` (what CMD's crop-resize
    and IKEM's preprocessing use). ``(M, T, V, C)`` in, ``(M, length, V, C)`` out.
    """
    T = kp.shape[1]
    if T == length:
        return kp.copy()
    src = (np.arange(length) + 0.5) * (T / length) - 0.5
    src = np.clip(src, 0, None)
    lo = np.minimum(np.floor(src).astype(np.int64), T - 1)
    hi = np.minimum(lo + 1, T - 1)
    w = (src - lo).astype(kp.dtype)[None, :, None, None]
    return kp[:, lo] * (1 - w) + kp[:, hi] * w
