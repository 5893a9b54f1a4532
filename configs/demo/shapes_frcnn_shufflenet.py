# The demo's ShuffleNet detector: Faster R-CNN (C4) with ShuffleNet v1 0.5x (g=3, 38 MFLOPs) trained from
# scratch on the built-in shapes dataset in a few CPU minutes. Compared with the 0.25 MobileNet v1 of
# shapes_frcnn_mobilenet.py at about the same mult-adds, the pairing of the ShuffleNet paper's Table 5.
_base_ = [
    '../_base_/models/frcnn_c4.py', '../_base_/datasets/shapes.py', '../_base_/schedules/shapes_short.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(type='ShuffleNetV1', groups=3, widen_factor=0.5, out_indices=(1, )),
    # Small images (stride-16 maps of 12x16 at scale 192, 24x32 at 384): anchors of 16-256 px, a thin RPN.
    rpn_head=dict(feat_channels=128, anchor_generator=dict(scales=[1, 2, 4, 8, 16])),
    # 7x7 RoI features; the per-RoI stage halves them to 4x4, which the box head averages (roi_feat_size=4).
    # Two samples per bin, pooled as matrix products: SeparableRoIAlign gives mmcv RoIAlign's numbers and trains
    # faster on a CPU (its timing: docs/demo.md; exported as RoiAlign).
    roi_head=dict(
        bbox_roi_extractor=dict(type='RegistryRoIExtractor',
                                roi_layer=dict(_delete_=True, type='SeparableRoIAlign', output_size=7,
                                               sampling_ratio=2)),
        bbox_head=dict(roi_feat_size=4, num_classes=5)),
    # 16 sampled RoIs per image, half of them positive: with MMDetection's quarter the box head sees few objects
    # and learns far slower, and the per-RoI stage is most of a step (measurements: docs/demo.md).
    train_cfg=dict(
        rpn=dict(sampler=dict(num=128)),
        rpn_proposal=dict(nms_pre=1000, max_per_img=200),
        rcnn=dict(sampler=dict(num=16, pos_fraction=0.5))),
    test_cfg=dict(rpn=dict(nms_pre=1000, max_per_img=100)))
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=2))
