# Faster R-CNN (C4) with 1.0 MobileNet v1 on COCO at input scale 600 (shorter side 600, longer side at most 1000), from
# timm's ImageNet weights as in the paper. Published mAP: docs/results.md. conv11 (stride 16, 512 channels) feeds the
# RPN and RoIAlign; conv12-13 (1024) run on every RoI. Convert the downloaded weights first (docs/reproduce.md): python
# tools/convert_checkpoint.py timm <file>.
_base_ = [
    './_base_/models/frcnn_c4.py', './_base_/pretrained/timm.py',
    './_base_/datasets/coco_600.py', './_base_/schedules/coco_2x.py', './_base_/default_runtime.py'
]

model = dict(
    data_preprocessor=_base_.imagenet_input,
    backbone=dict(_base_.imagenet_backbone, type='MobileNetV1', widen_factor=1.0, out_indices=(3, ),
                  init_cfg=dict(_base_.imagenet_init, checkpoint='checkpoints/mobilenet_v1_100_timm.pth')))
