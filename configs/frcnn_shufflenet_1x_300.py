# Faster R-CNN (C4) with ShuffleNet v1 1x (g=3) on COCO at input scale 300 (shorter side 300, longer side at most 500),
# from Megvii's ImageNet weights as in the paper. Published mAP: docs/results.md. Stage3 (stride 16, 480 channels) feeds
# the RPN and RoIAlign; Stage4 (960) runs on every RoI. Convert the downloaded weights first (docs/reproduce.md): python
# tools/convert_checkpoint.py megvii <file>.
_base_ = [
    './_base_/models/frcnn_c4.py', './_base_/pretrained/megvii.py',
    './_base_/datasets/coco_300.py', './_base_/schedules/coco_2x.py', './_base_/default_runtime.py'
]

model = dict(
    data_preprocessor=_base_.imagenet_input,
    backbone=dict(_base_.imagenet_backbone, type='ShuffleNetV1', groups=3, widen_factor=1.0, out_indices=(1, ),
                  init_cfg=dict(_base_.imagenet_init, checkpoint='checkpoints/shufflenet_v1_1x_g3_megvii.pth')))
