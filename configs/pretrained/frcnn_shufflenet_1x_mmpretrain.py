# frcnn_shufflenet_1x.py (input scale 600) initialised from mmpretrain's ImageNet ShuffleNet v1 1x (g=3).
# `python tools/convert_checkpoint.py mmpretrain <downloaded file>` writes the weights to
# checkpoints/shufflenet_v1_1x_g3_mmpretrain.pth (docs/reproduce.md says where to get the file).
# mmpretrain's network takes RGB input normalised with the ImageNet mean and std.
_base_ = '../frcnn_shufflenet_1x.py'

pretrained = dict(type='Pretrained', checkpoint='checkpoints/shufflenet_v1_1x_g3_mmpretrain.pth', prefix='backbone.')
model = dict(
    data_preprocessor=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    # ImageNet weights: keep the stem frozen and the BN statistics fixed, as MMDetection does for ResNets.
    backbone=dict(init_cfg=pretrained, frozen_stages=0, norm_eval=True),
    roi_head=dict(shared_head=dict(norm_eval=True, backbone=dict(init_cfg=pretrained))))
