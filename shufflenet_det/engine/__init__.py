"""Running MMEngine safely: checkpoints that load no code and survive kills, configs checked before they run.

Importing this package (configs do it through ``custom_imports``) registers :class:`AtomicCheckpointHook` and
:class:`StopOnDivergenceHook` and makes MMEngine load every local checkpoint with
:func:`shufflenet_det.checkpoints.loading.read_checkpoint`.
"""

from .channels import check_detector_channels
from .checkpoint_hook import AtomicCheckpointHook
from .config_check import check_arguments, check_options
from .divergence_hook import StopOnDivergenceHook
from .resume import check_resume_fits, configure_resume, find_resume_checkpoint
from .safe_loading import use_safe_checkpoint_loading

use_safe_checkpoint_loading()

__all__ = ['AtomicCheckpointHook', 'StopOnDivergenceHook', 'check_arguments', 'check_detector_channels',
           'check_options', 'check_resume_fits', 'configure_resume', 'find_resume_checkpoint',
           'use_safe_checkpoint_loading']
