# shapes_frcnn_lh_shufflenet.py with 0.25 MobileNet v1 (conv11 and conv13 feed the context enhancement), the
# light-head twin of shapes_frcnn_mobilenet.py.
_base_ = './shapes_frcnn_lh_shufflenet.py'

model = dict(backbone=dict(_delete_=True, type='MobileNetV1', widen_factor=0.25, out_indices=(3, 4)))
