# mmpretrain's ImageNet ShuffleNet v1: RGB input normalised with the ImageNet mean and std.
_base_ = './imagenet.py'

imagenet_input = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True)
