# Light-head Faster R-CNN with 1.0 MobileNet v1 on COCO at input scale 600 (shorter side 600, longer side at most
# 1000; conv11 and conv13 feed the context enhancement). From timm's ImageNet weights (convert them first,
# docs/reproduce.md: python tools/convert_checkpoint.py timm <file>). No paper number exists for this detector.
_base_ = [
    '../_base_/models/frcnn_lighthead.py', '../_base_/pretrained/timm.py',
    '../_base_/datasets/coco_600.py', '../_base_/schedules/coco_2x.py', '../_base_/default_runtime.py'
]

model = dict(
    data_preprocessor=_base_.imagenet_input,
    backbone=dict(_base_.imagenet_backbone, type='MobileNetV1', widen_factor=1.0, out_indices=(3, 4),
                  init_cfg=dict(_base_.imagenet_init, checkpoint='checkpoints/mobilenet_v1_100_timm.pth')))
