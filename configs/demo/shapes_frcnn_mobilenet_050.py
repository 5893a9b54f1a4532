# The grid's ~150 MFLOPs MobileNet (tools/compare.py): shapes_frcnn_mobilenet.py with 0.5 MobileNet v1.
_base_ = './shapes_frcnn_mobilenet.py'

model = dict(backbone=dict(widen_factor=0.5))
