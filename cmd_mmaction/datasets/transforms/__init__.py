"""Skeleton transforms registered in mmaction2's TRANSFORMS."""
from .modality import GenModality  # noqa: F401
from .pre_normalize import CMDPreNormalize, IKEMPreNormalize  # noqa: F401
from .spatial import JointCorruption, RandomChoiceOf, RandomRotation, RandomShear  # noqa: F401
from .temporal import TemporalCropResize, TemporalReflectCrop, ValidLength  # noqa: F401
from .views import MultiView  # noqa: F401
