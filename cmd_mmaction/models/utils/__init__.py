"""Submodules are imported here so that importing the package registers them."""
from .momentum_encoder import MomentumEncoder, batch_shuffle, batch_unshuffle  # noqa: F401
from .momentum_queue import MomentumQueue  # noqa: F401
from .skeleton_encoder import SkeletonEncoder  # noqa: F401
from .optim_constructor import TrainableOptimWrapperConstructor  # noqa: F401
from .pretrained_encoder import PretrainedEncoderInit, load_encoder  # noqa: F401
from .ikem_init import IKEMInit  # noqa: F401
from .data_preprocessor import build_data_preprocessor  # noqa: F401
