"""Writers for raw skeleton formats used by the converter tests (exact on-disk formats)."""
import importlib.util
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / 'shared' / 'data'

# A plausible upright NTU-25 pose (metres): x right, y up, z depth; spine-middle at origin.
NTU_POSE = np.array([
    [0.00, -0.30, 0.0],   # 1 spine base (hip)
    [0.00, 0.00, 0.0],    # 2 spine middle
    [0.00, 0.35, 0.0],    # 3 neck
    [0.00, 0.50, 0.0],    # 4 head
    [-0.20, 0.25, 0.0],   # 5 left shoulder
    [-0.25, 0.00, 0.0],   # 6 left elbow
    [-0.27, -0.25, 0.0],  # 7 left wrist
    [-0.28, -0.30, 0.0],  # 8 left hand
    [0.20, 0.25, 0.0],    # 9 right shoulder
    [0.25, 0.00, 0.0],    # 10 right elbow
    [0.27, -0.25, 0.0],   # 11 right wrist
    [0.28, -0.30, 0.0],   # 12 right hand
    [-0.10, -0.35, 0.0],  # 13 left hip
    [-0.10, -0.80, 0.0],  # 14 left knee
    [-0.10, -1.20, 0.0],  # 15 left ankle
    [-0.10, -1.25, 0.1],  # 16 left foot
    [0.10, -0.35, 0.0],   # 17 right hip
    [0.10, -0.80, 0.0],   # 18 right knee
    [0.10, -1.20, 0.0],   # 19 right ankle
    [0.10, -1.25, 0.1],   # 20 right foot
    [0.00, 0.25, 0.0],    # 21 spine shoulder
    [-0.29, -0.35, 0.0],  # 22 left hand tip
    [-0.26, -0.32, 0.05],  # 23 left thumb
    [0.29, -0.35, 0.0],   # 24 right hand tip
    [0.26, -0.32, 0.05],  # 25 right thumb
])


def moving_person(num_frames: int, origin, amplitude: float, seed: int) -> np.ndarray:
    """(T, 25, 3) upright pose at ``origin`` swaying along x with ``amplitude``; values
    rounded to the 6 decimals the writer uses so that round-trips compare exactly."""
    rng = np.random.default_rng(seed)
    t = np.arange(num_frames)[:, None, None]
    pose = NTU_POSE[None] + np.asarray(origin, dtype=np.float64)
    sway = amplitude * np.sin(t / 3.0) * np.array([1.0, 0.0, 0.0])
    jitter = rng.normal(scale=0.005, size=(num_frames, 25, 3))
    return np.round(pose + sway + jitter, 6)


def wide_object(num_frames: int, seed: int) -> np.ndarray:
    """(T, 25, 3) flat object 1.2 m wide and 0.1 m tall (not a person)."""
    rng = np.random.default_rng(seed)
    base = np.stack([np.linspace(-0.6, 0.6, 25), np.linspace(0.0, 0.1, 25),
                     np.full(25, 3.0)], axis=1)
    return np.round(base[None] + rng.normal(scale=0.01, size=(num_frames, 25, 3)), 6)


def write_ntu_skeleton(path, tracks: Dict[int, np.ndarray], num_frames: int = None) -> Path:
    """Write an NTU ``.skeleton`` file.

    ``tracks`` maps bodyID -> (T, 25, 3) xyz; a body is listed in frame t unless its frame
    is all zeros. Frames where no body is listed get a body count of 0.
    """
    if num_frames is None:
        num_frames = max(len(v) for v in tracks.values())
    lines = [str(num_frames)]
    for t in range(num_frames):
        present = [(bid, xyz[t]) for bid, xyz in tracks.items()
                   if t < len(xyz) and np.any(xyz[t] != 0)]
        lines.append(str(len(present)))
        for bid, joints in present:
            lines.append(f'{bid} 0 1 1 1 1 0 0.01234 -0.5678 2')
            lines.append('25')
            for j, (x, y, z) in enumerate(joints):
                lines.append(f'{x:.6f} {y:.6f} {z:.6f} {250 + j:.4f} {200 + j:.4f} '
                             f'{900 + j:.3f} {500 + j:.3f} 0.1 0.2 0.3 0.9 2')
    path = Path(path)
    path.write_text('\r\n'.join(lines) + '\r\n')  # NTU files use CRLF line ends
    return path


def truncate_file(path, keep_lines: int) -> None:
    lines = Path(path).read_text().splitlines(keepends=True)
    Path(path).write_text(''.join(lines[:keep_lines]))


def replace_line(path, lineno: int, text: str) -> None:
    lines = Path(path).read_text().splitlines()
    lines[lineno - 1] = text
    Path(path).write_text('\n'.join(lines) + '\n')


def write_pku_skeleton(path, bodies: np.ndarray) -> Path:
    """Write a PKU-MMD skeleton file from ``(2, T, 25, 3)``: one line of 150 floats per frame."""
    frames = np.asarray(bodies).transpose(1, 0, 2, 3).reshape(bodies.shape[1], -1)
    Path(path).write_text(''.join(' '.join(f'{v:.6f}' for v in row) + '\n' for row in frames))
    return Path(path)


def write_pku_labels(path, rows: Sequence[str]) -> Path:
    Path(path).write_text(''.join(r + '\n' for r in rows))
    return Path(path)


def write_pku_split(path, train: Sequence[str], val: Sequence[str]) -> Path:
    Path(path).write_text('Training videos: \n' + ', '.join(train) + '\n'
                          'Validataion videos: \n' + ', '.join(val) + '\n')
    return Path(path)


def load_tool(name: str):
    """Import ``tools/data/<name>.py`` as a module (its ``main(argv)`` is the CLI)."""
    path = ROOT / 'tools' / 'data' / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'tools_data_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
