# The light-head layout of the demo's ShuffleNet detector: ShuffleNet v1 0.5x (g=3) with the context
# enhancement, light RPN, spatial attention and PS-RoIAlign head, on the built-in shapes dataset with the same
# data, schedule and proposal counts as shapes_frcnn_shufflenet.py (the C4 detector it is compared with).
_base_ = [
    '../_base_/models/frcnn_lighthead.py', '../_base_/datasets/shapes.py', '../_base_/schedules/shapes_short.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=(1, 2)),
    # Anchors of 16-256 px and 16 sampled RoIs per image, half of them positive, as the C4 demo.
    rpn_head=dict(anchor_generator=dict(scales=[1, 2, 4, 8, 16])),
    roi_head=dict(bbox_head=dict(num_classes=5)),
    train_cfg=dict(
        rpn=dict(sampler=dict(num=128)),
        rpn_proposal=dict(nms_pre=1000, max_per_img=200),
        rcnn=dict(sampler=dict(num=16, pos_fraction=0.5))),
    test_cfg=dict(rpn=dict(nms_pre=1000, max_per_img=100)))
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=2))
