"""The mmaction2 1.2.0 wheel lacks localizers/drn; importing us must fix that."""
import subprocess
import sys

import numpy as np
import pytest


@pytest.mark.slow
def test_mmaction_models_import_fails_without_shim_and_works_with_it():
    bare = subprocess.run([sys.executable, '-c', 'import mmaction.models'],
                          capture_output=True, text=True)
    if bare.returncode == 0:  # a source install of mmaction2 ships drn: nothing to fix
        assert 'drn' not in bare.stderr
    else:
        assert 'mmaction.models.localizers.drn' in bare.stderr
    fixed = subprocess.run(
        [sys.executable, '-c',
         'import cmd_mmaction; from mmaction.registry import MODELS, DATASETS, TRANSFORMS;'
         'assert MODELS.get("STGCN") and MODELS.get("RecognizerGCN") and MODELS.get("GCNHead");'
         'assert DATASETS.get("PoseDataset") and TRANSFORMS.get("GenSkeFeat")'],
        capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_drn_placeholder_raises_a_clear_error():
    import cmd_mmaction  # noqa: F401
    from mmaction.models.localizers.drn.drn import DRN
    try:
        DRN()
    except ImportError as err:
        assert 'DRN' in str(err)
    else:
        raise AssertionError('the DRN placeholder must not build silently')


def test_numpy2_aliases_restored():
    import cmd_mmaction  # noqa: F401
    assert np.Inf == np.inf
    assert np.in1d is np.isin or np.in1d(np.array([1]), np.array([1])).all()
