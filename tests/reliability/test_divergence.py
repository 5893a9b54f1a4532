"""A diverging training stops at its first NaN or infinite loss or gradient with a named error, never saves those
weights (so max_keep_ckpts never deletes the last good checkpoint for them) and resumes from the last good one;
non-finite weights are refused wherever a checkpoint is used."""

import re
import shutil

import pytest
import torch
from conftest import ROOT, TinyModel, run_tool_in_process, train_tiny, write_tiny_detector_config
from mmdet.registry import MODELS
from mmengine.config import Config

from shufflenet_det.checkpoints import SOURCES, read_checkpoint
from shufflenet_det.checkpoints.finite_weights import non_finite_tensors
from shufflenet_det.core.errors import CheckpointFileError, TrainingDivergedError
from shufflenet_det.engine import configure_resume, find_resume_checkpoint

DEMO_CONFIG = ROOT / 'configs/demo/shapes_frcnn_shufflenet.py'


class FailsAt(TinyModel):
    """``TinyModel`` whose ``step``-th forward pass (1-based) goes wrong in one way.

    ``loss``: the loss is NaN. ``gradient``: the loss is finite but a gradient is NaN (the square root of
    ``|0 * w|`` is 0 with an infinite slope). ``buffer``: loss and gradients are finite but a buffer becomes NaN.
    """

    def __init__(self, step: int, how: str) -> None:
        super().__init__()
        self.step, self.how, self.calls = step, how, 0
        self.register_buffer('statistic', torch.zeros(1))
        self.weight_at_failure = None

    def forward(self, inputs: torch.Tensor, mode: str = 'loss') -> dict:
        losses = super().forward(inputs, mode)
        self.calls += 1
        if self.calls != self.step:
            return losses
        self.weight_at_failure = self.linear.weight.detach().clone()
        if self.how == 'loss':
            losses['loss'] = losses['loss'] * float('nan')
        elif self.how == 'gradient':
            losses['loss'] = losses['loss'] + (self.linear.weight * 0).abs().sqrt().sum()
        else:
            self.statistic.fill_(float('nan'))
        return losses


def checkpoint_names(work_dir) -> list[str]:
    return sorted(path.name for path in work_dir.glob('*.pth'))


def test_a_nan_loss_stops_keeping_the_last_good_checkpoint_and_resume_finishes(tmp_path):
    # 2 iterations per epoch: the 5th forward pass is epoch 3's first.
    with pytest.raises(TrainingDivergedError) as error:
        train_tiny(tmp_path, max_epochs=4, max_keep_ckpts=1, model=FailsAt(5, 'loss'))
    assert str(error.value).startswith(
        'training diverged at iteration 5 (epoch 3, iteration 1 of 2): the loss is nan; stopped before these weights '
        f'were stepped or saved. The last good checkpoint is {tmp_path}/epoch_2.pth; --resume continues from it with '
        'the learning rate saved in it. The learning rate was ')
    assert str(error.value).endswith(f'start a new run with a lower optim_wrapper.optimizer.lr (from scratch, or with '
                                     f'--cfg-options load_from={tmp_path}/epoch_2.pth to keep its weights), or clip '
                                     'the gradients (optim_wrapper.clip_grad.max_norm=10).')
    assert checkpoint_names(tmp_path) == ['epoch_2.pth'] and not list(tmp_path.glob('.*.tmp'))
    assert find_resume_checkpoint(tmp_path) == tmp_path / 'epoch_2.pth'
    resumed = train_tiny(tmp_path, max_epochs=4, max_keep_ckpts=1, resume=True)
    assert resumed.iter == 8 and checkpoint_names(tmp_path) == ['epoch_4.pth']
    assert not non_finite_tensors(read_checkpoint(tmp_path / 'epoch_4.pth')['state_dict'])


def test_a_nan_gradient_under_a_finite_loss_skips_the_step_and_stops(tmp_path):
    model = FailsAt(3, 'gradient')
    with pytest.raises(TrainingDivergedError, match=re.escape(
            'training diverged at iteration 3 (epoch 2, iteration 1 of 2): the gradients of 1 parameters are nan or '
            'inf (linear.weight) while the loss is ')):
        train_tiny(tmp_path, max_epochs=2, max_keep_ckpts=1, model=model)
    assert torch.equal(model.linear.weight, model.weight_at_failure)  # the optimizer step changed nothing
    assert checkpoint_names(tmp_path) == ['epoch_1.pth']


def test_non_finite_weights_are_never_saved(tmp_path):
    with pytest.raises(TrainingDivergedError) as error:
        train_tiny(tmp_path, max_epochs=3, max_keep_ckpts=1, model=FailsAt(3, 'buffer'))
    assert str(error.value).startswith(
        'training diverged by iteration 4: the weights to save hold nan in 1 of 3 tensors (statistic); they were not '
        f'saved. The last good checkpoint is {tmp_path}/epoch_1.pth')
    assert checkpoint_names(tmp_path) == ['epoch_1.pth'] and not list(tmp_path.glob('.*.tmp'))
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / 'epoch_1.pth')


def test_the_train_tool_stops_a_detector_whose_loss_explodes(tiny_shapes, tmp_path, monkeypatch):
    config = write_tiny_detector_config(tmp_path / 'diverging.py', tiny_shapes, max_epochs=3,
                                        extra='optim_wrapper = dict(optimizer=dict(lr=1e9))\n')
    work_dir = tmp_path / 'work'
    message = run_tool_in_process('train.py', str(config), '--work-dir', str(work_dir), monkeypatch=monkeypatch)
    assert re.fullmatch(
        r'error: training diverged at iteration \d+ \(epoch \d, iteration \d of 2\): the (loss is (nan|inf)|gradients '
        r'of \d+ parameters are nan or inf).*; stopped before these weights were stepped or saved\. The last good '
        rf'checkpoint is {work_dir}/epoch_\d\.pth; --resume continues from it with the learning rate saved in it\. '
        r'The learning rate was [\d.e+]+: start a new run with a lower optim_wrapper\.optimizer\.lr \(from scratch, '
        rf'or with --cfg-options load_from={work_dir}/epoch_\d\.pth to keep its weights\)\.', message), message
    kept = list(work_dir.glob('*.pth'))
    assert len(kept) == 1 and not non_finite_tensors(read_checkpoint(kept[0])['state_dict'])
    assert not (work_dir / 'training.lock').exists()


def test_export_refuses_a_checkpoint_with_nan_weights(tmp_path, monkeypatch, capsys):
    state_dict = MODELS.build(Config.fromfile(str(DEMO_CONFIG)).model).state_dict()
    state_dict['roi_head.bbox_head.fc_cls.weight'][0, 0] = float('nan')
    path = tmp_path / 'diverged.pth'
    torch.save({'meta': {}, 'state_dict': state_dict}, path)
    assert run_tool_in_process('export.py', str(DEMO_CONFIG), str(path), '--out', str(tmp_path),
                               monkeypatch=monkeypatch) == '1'
    assert (f'error: checkpoint {path} holds non-finite weights: nan in 1 of {len(state_dict)} tensors '
            '(roi_head.bbox_head.fc_cls.weight); the training that wrote it diverged, or the file is damaged: use an '
            'earlier checkpoint of that run') in capsys.readouterr().err
    assert not list(tmp_path.glob('*.onnx'))


def test_the_converter_refuses_a_float16_file_that_overflowed(tmp_path, monkeypatch):
    source = SOURCES['megvii']
    architecture = min(source.architectures(), key=lambda candidate: candidate.backbone['widen_factor'])
    tensors = {key: torch.zeros(shape, dtype=torch.float16) for key, shape in source.expected_layout(
        architecture).items()}
    key = next(key for key, tensor in tensors.items() if tensor.dim() == 4)
    tensors[key][0] = torch.tensor(70000.0).half()  # beyond float16's 65504: inf
    path = tmp_path / 'overflowed.pth'
    torch.save({'state_dict': tensors}, path)
    message = run_tool_in_process('convert_checkpoint.py', 'megvii', str(path), '--out-dir', str(tmp_path / 'out'),
                                  monkeypatch=monkeypatch)
    assert re.fullmatch(rf'error: checkpoint {path} holds non-finite weights: inf in 1 of \d+ tensors \([\w.]+\); '
                        r'the file is damaged \(a float16 copy whose values overflowed its range holds inf, for '
                        r'example\): download it again', message), message
    assert not (tmp_path / 'out').exists() or not list((tmp_path / 'out').iterdir())


def test_resume_passes_over_a_checkpoint_with_nan_weights(tiny_work_dir, tmp_path, warnings_seen):
    work_dir = tmp_path / 'work'
    shutil.copytree(tiny_work_dir, work_dir)
    newest = work_dir / 'epoch_3.pth'
    checkpoint = read_checkpoint(newest)
    checkpoint['state_dict']['linear.weight'][0, 0] = float('inf')
    torch.save(checkpoint, newest)
    (work_dir / 'last_checkpoint').write_text(str(newest))
    assert find_resume_checkpoint(work_dir) == work_dir / 'epoch_2.pth'
    assert (f'--resume: skipped 1 newer checkpoint(s) that do not load (checkpoint {newest} holds non-finite weights: '
            f'inf in 1 of 2 tensors (linear.weight)); resuming from {work_dir}/epoch_2.pth, the newest intact one'
            in warnings_seen.text)
    with pytest.raises(CheckpointFileError, match=re.escape(
            f'checkpoint {newest} holds non-finite weights: inf in 1 of 2 tensors (linear.weight); the training '
            'diverged before it was saved: resume from an earlier checkpoint of the run')):
        configure_resume(Config(dict(work_dir=str(work_dir))), str(newest))


def test_resuming_another_architectures_checkpoint_is_named(tiny_work_dir, tiny_shapes, tmp_path, monkeypatch):
    config = write_tiny_detector_config(tmp_path / 'detector.py', tiny_shapes)
    message = run_tool_in_process('train.py', str(config), '--work-dir', str(tmp_path / 'work'), '--resume',
                                  str(tiny_work_dir / 'epoch_3.pth'), monkeypatch=monkeypatch)
    assert message.startswith(
        f'error: the checkpoint does not fit this C4FasterRCNN ({tiny_work_dir}/epoch_3.pth, the checkpoint --resume '
        'continues from): ')
    assert message.endswith('--resume continues a run of the same config; this checkpoint was written by another '
                            'config (architecture, width, groups or number of classes): resume with the config that '
                            'wrote it, or give this run another --work-dir.')
    assert 'linear.weight' in message
