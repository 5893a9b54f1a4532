# timm's ImageNet MobileNet v1 (mobilenetv1_100): ReLU6, RGB input normalised with mean and std 0.5 (127.5 on 0-255).
_base_ = './imagenet.py'

imagenet_input = dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], bgr_to_rgb=True)
imagenet_backbone = dict(act_cfg=dict(type='ReLU6'))
