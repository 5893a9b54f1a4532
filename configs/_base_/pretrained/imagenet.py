# The paper's detectors start from ImageNet weights converted by tools/convert_checkpoint.py. As MMDetection
# does for ImageNet backbones, the stem stays frozen and BN statistics fixed (the per-RoI stage inherits
# `norm_eval` and `init_cfg` from the backbone). A detector config adds the backbone and the converted file:
#     model = dict(backbone=dict(type=..., init_cfg=dict(checkpoint='checkpoints/<architecture>.pth')))
# The publisher fragments beside this file add each publisher's input format.
_base_ = '../models/frcnn_c4.py'

model = dict(backbone=dict(frozen_stages=0, norm_eval=True, init_cfg=dict(type='Pretrained', prefix='backbone.')))
