# MMDetection's runtime with checkpoints that survive a kill (written to a temporary file, flushed, renamed), keeping
# the last 3 epochs so an interrupted run can `--resume`, and a training that stops at its first NaN or infinite loss
# or gradient without saving those weights. The imports register the project's models, datasets and hooks, and make
# MMEngine load checkpoints without running code from them.
_base_ = 'mmdet::_base_/default_runtime.py'

custom_imports = dict(imports=['shufflenet_det.models', 'shufflenet_det.datasets', 'shufflenet_det.engine'],
                      allow_failed_imports=False)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook', interval=1, max_keep_ckpts=3),
                     divergence=dict(type='StopOnDivergenceHook'))
