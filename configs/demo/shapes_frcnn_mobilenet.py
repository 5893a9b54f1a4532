# The demo's MobileNet detector: shapes_frcnn_shufflenet.py with 0.25 MobileNet v1 (41 MFLOPs) instead.
_base_ = './shapes_frcnn_shufflenet.py'

model = dict(backbone=dict(_delete_=True, type='MobileNetV1', widen_factor=0.25, out_indices=(3, )))
