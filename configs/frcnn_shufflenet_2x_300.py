# Faster R-CNN with ShuffleNet v1 2x (g=3) on COCO at input scale 300 (shorter side 300, longer side at most 500).
# ShuffleNet paper Table 7: 18.7 / 25.0 mAP at 300 / 600.
_base_ = [
    './_base_/models/frcnn_shufflenet_2x_c4.py', './_base_/datasets/coco_300.py', './_base_/schedules/coco_2x.py',
    './_base_/default_runtime.py'
]
