# The built-in shapes dataset (python tools/make_dataset.py writes it to data/shapes/), COCO-format. Its
# 192-256 px images are resized to a shorter side of 192 (longer at most 256), slightly below their size as
# COCO's 480x640 images are at scale 300; tools/compare.py also trains at twice this scale, like scale 600.
dataset_type = 'CheckedCocoDataset'
data_root = 'data/shapes/'
metainfo = dict(classes=('circle', 'square', 'triangle', 'cross', 'ring'))
backend_args = None
scale = (256, 192)
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
# Batches of 4: on a CPU an epoch costs about what it costs with 8 (the work is per image), and twice the steps
# learn more (the README's demo section has the numbers).
train_dataloader = dict(
    batch_size=4, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/instances_train.json', data_prefix=dict(img='train/'),
                 filter_cfg=dict(filter_empty_gt=True, min_size=4), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=0, drop_last=False, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/instances_val.json', data_prefix=dict(img='val/'), test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
# CheckedCocoMetric: classes matched to the file's categories by name, the dataset's skipped annotations not scored.
val_evaluator = dict(type='CheckedCocoMetric', ann_file=data_root + 'annotations/instances_val.json', metric='bbox',
                     format_only=False)
test_evaluator = val_evaluator
