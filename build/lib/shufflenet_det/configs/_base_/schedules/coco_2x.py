# 24 epochs of SGD for 8 GPUs x 2 images (batch 16, lr 0.02), steps at epochs 16 and 22. Light backbones
# with frozen BN statistics converge more slowly than ResNet, hence 24 rather than 12 epochs.
# auto_scale_lr scales the learning rate linearly for any other total batch size.
_base_ = 'mmdet::_base_/schedules/schedule_2x.py'

auto_scale_lr = dict(enable=True, base_batch_size=16)
