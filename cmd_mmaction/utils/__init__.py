"""Neutral helpers shared by datasets, models, evaluation, engine and tools."""
from .config_vars import (ConfigVariableError, load_config, merge_options,  # noqa: F401
                          parse_options, redirect_option, resolve_variables)
