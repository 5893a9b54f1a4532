# The demo's MobileNet detector: shapes_frcnn_shufflenet.py with 0.25 MobileNet v1 (41 MFLOPs) instead.
_base_ = './shapes_frcnn_shufflenet.py'

backbone = dict(_delete_=True, type='MobileNetV1', widen_factor=0.25)
model = dict(
    backbone=dict(_delete_=True, type='MobileNetV1', widen_factor=0.25, out_indices=(3, )),
    rpn_head=dict(in_channels=128),
    roi_head=dict(
        shared_head=dict(backbone=dict(_delete_=True, type='MobileNetV1', widen_factor=0.25)),
        bbox_roi_extractor=dict(out_channels=128),
        bbox_head=dict(in_channels=256)))
