"""Shared fixtures: small generated datasets (never random noise)."""
from pathlib import Path

import pytest

import cmd_mmaction  # noqa: F401  (compat fixes + registration before any mmaction import)
from cmd_mmaction.datasets.synthetic import write_dataset

SHARED_DATA = Path(__file__).resolve().parents[2] / 'shared' / 'data'


@pytest.fixture(scope='session')
def tiny_synthetic_pkl(tmp_path_factory):
    """2 subjects × 12 classes × 1 clip: 12 train + 12 val clips."""
    path = tmp_path_factory.mktemp('synthetic') / 'tiny.pkl'
    write_dataset(str(path), num_subjects=2, clips_per_class_per_subject=1, seed=0)
    return str(path)


@pytest.fixture(scope='session')
def small_synthetic_pkl(tmp_path_factory):
    """4 subjects × 12 classes × 2 clips: 48 train + 48 val clips."""
    path = tmp_path_factory.mktemp('synthetic') / 'small.pkl'
    write_dataset(str(path), num_subjects=4, clips_per_class_per_subject=2, seed=1)
    return str(path)
