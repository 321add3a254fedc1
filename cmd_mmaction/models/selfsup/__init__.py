"""Submodules are imported here so that importing the package registers them."""
from .cmd import CMD  # noqa: F401
from .ikem_teacher import IKEMTeacher  # noqa: F401
from .ikem_student import IKEMStudent  # noqa: F401
