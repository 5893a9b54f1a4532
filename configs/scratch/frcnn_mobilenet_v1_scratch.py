# Faster R-CNN (C4) with 1.0 MobileNet v1 on COCO at input scale 600 (shorter side 600, longer side at most 1000),
# trained from random weights with every layer learning (the paper's detector, ../frcnn_mobilenet_v1.py, starts from
# ImageNet weights).
_base_ = [
    '../_base_/models/frcnn_c4.py', '../_base_/datasets/coco_600.py', '../_base_/schedules/coco_2x.py',
    '../_base_/default_runtime.py'
]

model = dict(backbone=dict(type='MobileNetV1', widen_factor=1.0, out_indices=(3, )))
