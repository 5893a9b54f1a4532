# Faster R-CNN in the "C4" layout (MMDetection's R50-C4 base, ResNet parts removed): the RPN and RoIAlign work
# on the backbone's stride-16 output and the backbone's next stage runs on every RoI as the shared head.
# A detector config adds `model.backbone` and nothing else: C4FasterRCNN builds the per-RoI stage from the
# backbone config and fills every channel number and stride from it. This base trains from random weights with
# every layer and BN statistic learning; _base_/pretrained/ adds ImageNet weights and the paper's freezing.
_base_ = 'mmdet::_base_/models/faster-rcnn_r50-caffe-c4.py'

model = dict(
    type='C4FasterRCNN',
    # RGB input normalised with the ImageNet mean and std; _base_/pretrained/ sets each publisher's own.
    data_preprocessor=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True,
                           pad_size_divisor=32),
    backbone=dict(_delete_=True),
    # Channels and strides come from the backbone (the R50 base's numbers are cleared here).
    # The RPN's 3x3 conv has 512 channels, as in the TF Object Detection API's MobileNet Faster R-CNN. mmdet's
    # RPNHead, except that NMS gets float32 scores: its 12,000 training candidates broke mmcv's NMS under --amp.
    rpn_head=dict(type='MixedPrecisionRPNHead', in_channels=None, feat_channels=512,
                  anchor_generator=dict(strides=None)),
    roi_head=dict(
        shared_head=None,
        bbox_roi_extractor=dict(out_channels=None, featmap_strides=None),
        bbox_head=dict(in_channels=None, with_avg_pool=True, roi_feat_size=7)),
    # 300 proposals per image at test time, the MobileNets paper's setting; the exported RPN NMS stops once it has
    # kept them, so the 6000 candidates before it cost a top-k and their decoding, not a full NMS.
    test_cfg=dict(rpn=dict(nms_pre=6000, max_per_img=300)))
