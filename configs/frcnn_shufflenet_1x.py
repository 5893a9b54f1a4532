# Faster R-CNN with ShuffleNet v1 1x (g=3) on COCO at input scale 600 (shorter side 600, longer side at most 1000).
# ShuffleNet paper Table 7: 14.5 / 19.8 mAP at 300 / 600.
_base_ = [
    './_base_/models/frcnn_shufflenet_1x_c4.py', './_base_/datasets/coco_600.py', './_base_/schedules/coco_2x.py',
    './_base_/default_runtime.py'
]
