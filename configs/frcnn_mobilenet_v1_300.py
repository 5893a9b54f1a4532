# Faster R-CNN with 1.0 MobileNet v1 on COCO at input scale 300 (shorter side 300, longer side at most 500).
# MobileNets paper Table 13: 16.4 / 19.8 mAP at 300 / 600.
_base_ = [
    './_base_/models/frcnn_mobilenet_v1_c4.py', './_base_/datasets/coco_300.py', './_base_/schedules/coco_2x.py',
    './_base_/default_runtime.py'
]
