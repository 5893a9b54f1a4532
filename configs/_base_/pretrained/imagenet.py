# The paper's detectors start from ImageNet weights converted by tools/convert_checkpoint.py. As MMDetection
# does for ImageNet backbones, the stem stays frozen and BN statistics fixed (the C4 per-RoI stage inherits
# `norm_eval` and `init_cfg` from the backbone). These are variables, not a `model`, so that one fragment serves
# every detector layout (MMEngine refuses two bases that both define `model`). A detector config lists a layout
# and a publisher fragment (beside this file, adding the publisher's input format) as bases and writes:
#     model = dict(data_preprocessor=_base_.imagenet_input,
#                  backbone=dict(_base_.imagenet_backbone, type=...,
#                                init_cfg=dict(_base_.imagenet_init, checkpoint='checkpoints/<architecture>.pth')))
imagenet_backbone = dict(frozen_stages=0, norm_eval=True)
imagenet_init = dict(type='Pretrained', prefix='backbone.')
