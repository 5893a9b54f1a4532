# MMDetection's runtime, keeping the last 3 epoch checkpoints so an interrupted run can `--resume`.
_base_ = 'mmdet::_base_/default_runtime.py'

default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3))
