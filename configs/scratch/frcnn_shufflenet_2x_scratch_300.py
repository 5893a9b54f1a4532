# Faster R-CNN (C4) with ShuffleNet v1 2x (g=3) on COCO at input scale 300 (shorter side 300, longer side at most
# 500), trained from random weights with every layer learning (the paper's detector, ../frcnn_shufflenet_2x_300.py,
# starts from ImageNet weights).
_base_ = [
    '../_base_/models/frcnn_c4.py', '../_base_/datasets/coco_300.py', '../_base_/schedules/coco_2x.py',
    '../_base_/default_runtime.py'
]

model = dict(backbone=dict(type='ShuffleNetV1', groups=3, widen_factor=2.0, out_indices=(1, )))
