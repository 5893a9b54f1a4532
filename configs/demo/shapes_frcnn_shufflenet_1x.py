# The grid's ~140 MFLOPs ShuffleNet (tools/compare.py): shapes_frcnn_shufflenet.py with ShuffleNet v1 1x (g=3).
_base_ = './shapes_frcnn_shufflenet.py'

model = dict(backbone=dict(widen_factor=1.0))
