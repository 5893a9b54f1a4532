# COCO 2017 at input scale 600: shorter side 600, longer side at most 1000. train2017 is the papers'
# trainval35k and val2017 their minival. Data goes to data/coco/ (see data/README.md).
_base_ = 'mmdet::_base_/datasets/coco_detection.py'

dataset_type = 'CheckedCocoDataset'
scale = (1000, 600)
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
train_dataloader = dict(batch_size=2, num_workers=2,
                        dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(batch_size=1, num_workers=2, dataset=dict(type=dataset_type, pipeline=test_pipeline))
test_dataloader = val_dataloader
# CheckedCocoMetric: classes matched to the file's categories by name, the dataset's skipped annotations not scored.
val_evaluator = dict(type='CheckedCocoMetric')
test_evaluator = val_evaluator
