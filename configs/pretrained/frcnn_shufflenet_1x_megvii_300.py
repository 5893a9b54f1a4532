# frcnn_shufflenet_1x_300.py (input scale 300) initialised from Megvii's ImageNet ShuffleNet v1 1x (g=3).
# `python tools/convert_checkpoint.py megvii <downloaded file>` writes the weights to
# checkpoints/shufflenet_v1_1x_g3_megvii.pth (docs/reproduce.md says where to get the file).
# Megvii's network takes BGR input on the 0-255 scale, with no mean or std.
_base_ = '../frcnn_shufflenet_1x_300.py'

pretrained = dict(type='Pretrained', checkpoint='checkpoints/shufflenet_v1_1x_g3_megvii.pth', prefix='backbone.')
model = dict(
    data_preprocessor=dict(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], bgr_to_rgb=False),
    # ImageNet weights: keep the stem frozen and the BN statistics fixed, as MMDetection does for ResNets.
    backbone=dict(init_cfg=pretrained, frozen_stages=0, norm_eval=True),
    roi_head=dict(shared_head=dict(norm_eval=True, backbone=dict(init_cfg=pretrained))))
