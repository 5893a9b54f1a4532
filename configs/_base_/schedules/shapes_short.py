# A short from-scratch schedule for the built-in shapes dataset on a CPU: AdamW with warm-up and cosine decay,
# validated at 75 % of the schedule and at its end (a converged run gains little in its last quarter).
max_epochs = 12
val_at = max_epochs * 3 // 4
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=val_at, val_interval=val_at)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# foreach: one update over all parameters; on a CPU torch otherwise loops over them, parameter by parameter.
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=6e-3, weight_decay=1e-4, foreach=True),
                     clip_grad=dict(max_norm=10, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, T_max=max_epochs, eta_min=1e-5),
]
# Seeded so that the demo's numbers are reproducible run to run on the same machine.
randomness = dict(seed=0)
