# Faster R-CNN in the "C4" layout (MMDetection's R50-C4 base, ResNet parts removed): the RPN and RoIAlign work
# on the backbone's stride-16 output and the backbone's last stage runs on every RoI as the shared head.
# A model config fills in `backbone`, the RPN and extractor `in/out_channels` and the box head's
# `in_channels`; tests/configs/test_configs.py checks them against the backbone. These layouts train from
# random weights with every layer and BN statistic learning; configs/pretrained/ add ImageNet weights and
# freeze the stem and BN statistics as MMDetection does for pretrained backbones.
_base_ = 'mmdet::_base_/models/faster-rcnn_r50-caffe-c4.py'

model = dict(
    # ImageNet weights of both backbones expect RGB input normalised with ImageNet mean and std.
    data_preprocessor=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True,
                           pad_size_divisor=32),
    backbone=dict(_delete_=True),
    # The RPN's 3x3 conv has 512 channels, as in the TF Object Detection API's MobileNet Faster R-CNN.
    rpn_head=dict(feat_channels=512),
    roi_head=dict(
        shared_head=dict(_delete_=True, type='BackboneStageHead', norm_eval=False),
        bbox_head=dict(with_avg_pool=True, roi_feat_size=7)),
    # 300 proposals per image at test time, the MobileNets paper's setting.
    test_cfg=dict(rpn=dict(nms_pre=6000, max_per_img=300)))
