"""Self-supervised models. Importing registers them."""
from .base import BaseSkeletonSelfSupervisor  # noqa: F401
from .multimodal_moco import MultiModalMoCo  # noqa: F401
from .cmd import CMD  # noqa: F401
from .ikem_teacher import IKEMTeacher  # noqa: F401
from .ikem_student import IKEMStudent  # noqa: F401
