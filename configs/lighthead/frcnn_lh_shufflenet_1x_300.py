# Light-head Faster R-CNN with ShuffleNet v1 1x (g=3) on COCO at input scale 300 (shorter side 300, longer side at most
# 500; Stage3 and Stage4 feed the context enhancement). No paper number exists for this detector.
_base_ = [
    '../_base_/models/frcnn_lighthead.py', '../_base_/datasets/coco_300.py', '../_base_/schedules/coco_2x.py',
    '../_base_/default_runtime.py'
]

model = dict(backbone=dict(type='ShuffleNetV1', groups=3, widen_factor=1.0, out_indices=(1, 2)))
