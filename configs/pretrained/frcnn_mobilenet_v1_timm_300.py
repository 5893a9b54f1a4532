# frcnn_mobilenet_v1_300.py (input scale 300) initialised from timm's ImageNet MobileNet v1 1.0 (mobilenetv1_100).
# `python tools/convert_checkpoint.py timm <downloaded file>` writes the weights to
# checkpoints/mobilenet_v1_100_timm.pth (docs/reproduce.md says where to get the file).
# timm's network uses ReLU6 and takes RGB input normalised with mean and std 0.5 (127.5 on 0-255).
_base_ = '../frcnn_mobilenet_v1_300.py'

pretrained = dict(type='Pretrained', checkpoint='checkpoints/mobilenet_v1_100_timm.pth', prefix='backbone.')
model = dict(
    data_preprocessor=dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], bgr_to_rgb=True),
    # ImageNet weights: keep the stem frozen and the BN statistics fixed, as MMDetection does for ResNets.
    backbone=dict(act_cfg=dict(type='ReLU6'), init_cfg=pretrained, frozen_stages=0, norm_eval=True),
    roi_head=dict(shared_head=dict(norm_eval=True, backbone=dict(act_cfg=dict(type='ReLU6'), init_cfg=pretrained))))
