# Faster R-CNN (C4) with ShuffleNet v1 1x (g=3). Stage3 (stride 16, 480 channels) feeds the RPN and
# RoIAlign; Stage4 (960 channels) runs on every RoI.
_base_ = './frcnn_c4.py'

backbone = dict(type='ShuffleNetV1', groups=3, widen_factor=1.0)
model = dict(
    backbone=dict(backbone, out_indices=(1, )),
    rpn_head=dict(in_channels=480),
    roi_head=dict(
        shared_head=dict(backbone=backbone),
        bbox_roi_extractor=dict(out_channels=480),
        bbox_head=dict(in_channels=960)))
