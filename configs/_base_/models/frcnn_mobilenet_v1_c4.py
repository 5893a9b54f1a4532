# Faster R-CNN (C4) with 1.0 MobileNet v1. conv11 (stride 16, 512 channels) feeds the RPN and RoIAlign;
# conv12-13 (1024 channels) run on every RoI, as in the TF Object Detection API.
_base_ = './frcnn_c4.py'

backbone = dict(type='MobileNetV1', widen_factor=1.0)
model = dict(
    backbone=dict(backbone, out_indices=(3, )),
    rpn_head=dict(in_channels=512),
    roi_head=dict(
        shared_head=dict(backbone=backbone),
        bbox_roi_extractor=dict(out_channels=512),
        bbox_head=dict(in_channels=1024)))
