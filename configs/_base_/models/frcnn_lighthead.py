# Light-head Faster R-CNN after ThunderNet (Qin et al., ICCV 2019): a context-enhanced stride-16 map of
# 7 x 7 bins x 5 channels = 245 channels, a light RPN (5x5 depthwise + 1x1 to 256), spatial attention from the
# RPN's features, position-sensitive RoIAlign to 7 x 7 bins of 5 channels and one fully connected 1024 layer.
# A model config only names the backbone (out_indices at strides 16 and 32); LightHeadRCNN derives every
# channel number and stride from it, the RoI grid (roi_layer.output_size) and the channels per bin.
# Deviations from ThunderNet (docs/light_head.md): plain NMS instead of soft-NMS at test time (standard ONNX has
# no soft-NMS), the project's keep-ratio scales 300/600 instead of 320x320, the project's COCO schedule and
# augmentation, ShuffleNet v1 / MobileNet v1 instead of SNet.
_base_ = 'mmdet::_base_/models/faster-rcnn_r50-caffe-c4.py'

model = dict(
    type='LightHeadRCNN',
    # RGB input normalised with the ImageNet mean and std; _base_/pretrained/ sets each publisher's own.
    data_preprocessor=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True,
                           pad_size_divisor=32),
    backbone=dict(_delete_=True),
    bin_channels=5,  # ThunderNet's alpha: 7 x 7 bins x 5 = 245 channels
    neck=dict(type='ContextEnhancement'),
    # ThunderNet's anchors: 5 scales (32-512 px at stride 16) x 5 aspect ratios.
    # Channels and strides come from the backbone (the R50 base's numbers are cleared here).
    rpn_head=dict(type='LightRPNHead', in_channels=None, feat_channels=256,
                  anchor_generator=dict(scales=[2, 4, 8, 16, 32], ratios=[0.5, 0.75, 1.0, 4 / 3, 2.0],
                                        strides=None)),
    attention=dict(type='SpatialAttention'),
    roi_head=dict(
        shared_head=None,
        bbox_roi_extractor=dict(type='RegistryRoIExtractor',
                                roi_layer=dict(_delete_=True, type='PSRoIAlign', output_size=7, sampling_ratio=2),
                                out_channels=None, featmap_strides=None),
        bbox_head=dict(
            _delete_=True, type='ConvFCBBoxHead', num_shared_fcs=1, fc_out_channels=1024, num_classes=80,
            bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[0.0, 0.0, 0.0, 0.0],
                            target_stds=[0.1, 0.1, 0.2, 0.2]),
            reg_class_agnostic=False,
            loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            loss_bbox=dict(type='L1Loss', loss_weight=1.0))),
    # ThunderNet's proposal counts: 2000 pre-NMS and 1000 kept in training, 200 kept at test time. The test-time
    # 2000 stay: the exported RPN NMS stops at 200 kept boxes, and fewer candidates saved no measurable time
    # (docs/glue.md), so the detector keeps ThunderNet's setting.
    train_cfg=dict(rpn_proposal=dict(nms_pre=2000, max_per_img=1000)),
    test_cfg=dict(rpn=dict(nms_pre=2000, max_per_img=200)))
