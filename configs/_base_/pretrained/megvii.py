# Megvii's ImageNet ShuffleNet v1 (ShuffleNet-Series): BGR input on the 0-255 scale, with no mean or std.
_base_ = './imagenet.py'

imagenet_input = dict(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], bgr_to_rgb=False)
