"""Runtime pieces: CPU distributed/AMP support, checkpoint trust, hooks."""
from .atomic_checkpoint import (AtomicLocalBackend, ResumeTrustError,  # noqa: F401
                                find_resumable_checkpoint, select_resume_checkpoint)
from .checkpoint_trust import (trust_checkpoint, trust_config_checkpoints,  # noqa: F401
                               trust_directory)
from .cfg_options import warn_unknown_options  # noqa: F401
from .cpu_amp import CPUBF16OptimWrapper  # noqa: F401
from .cpu_distributed import CPUCompatibleDDP, init_cpu_dist  # noqa: F401
from .epoch_seed import EpochSeedHook  # noqa: F401
from .nonfinite import NonFiniteLossHook  # noqa: F401
from .progress import PhaseBar, ProgressHook  # noqa: F401
from .config_check import ConfigValidationError, validate_config  # noqa: F401
from .launch import (add_epoch_seed_hook, exit_launched_process,  # noqa: F401
                     log_threads, positive_int, positive_seconds,
                     prepare_checkpoint_trust, prepare_distributed, set_dist_timeout,
                     set_threads, shutdown_distributed, use_amp)
