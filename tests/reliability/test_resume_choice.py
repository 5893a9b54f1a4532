"""--resume takes the newest checkpoint that loads, says so when there is none, and checks a named one."""

import os
import shutil

import pytest
from conftest import train_tiny
from mmengine.config import Config

from shufflenet_det.core.errors import CheckpointFileError
from shufflenet_det.engine import checkpoint_hook, configure_resume, find_resume_checkpoint


@pytest.fixture
def work_dir(tiny_work_dir, tmp_path):
    copy = tmp_path / 'work'
    shutil.copytree(tiny_work_dir, copy)
    (copy / 'last_checkpoint').write_text(str(copy / 'epoch_3.pth'))
    return copy


def test_the_newest_checkpoint_is_taken(work_dir):
    assert find_resume_checkpoint(work_dir) == work_dir / 'epoch_3.pth'


def test_a_truncated_newest_checkpoint_falls_back_to_the_newest_intact_one(work_dir, warnings_seen):
    newest = work_dir / 'epoch_3.pth'
    newest.write_bytes(newest.read_bytes()[:5000])
    assert find_resume_checkpoint(work_dir) == work_dir / 'epoch_2.pth'
    assert (f'skipped 1 newer checkpoint(s) that do not load (checkpoint {newest} is truncated or corrupt'
            in warnings_seen.text)


def test_an_empty_last_checkpoint_file_falls_back_to_the_numbered_files(work_dir):
    (work_dir / 'last_checkpoint').write_text('')
    assert find_resume_checkpoint(work_dir) == work_dir / 'epoch_3.pth'


def test_no_checkpoint_is_said_plainly_and_training_starts_from_the_beginning(tmp_path, warnings_seen):
    cfg = Config(dict(work_dir=str(tmp_path / 'mistyped'), resume=False, load_from=None))
    configure_resume(cfg, 'auto')
    assert f'--resume: no checkpoint to resume from in {tmp_path / "mistyped"}' in warnings_seen.text
    assert cfg.resume is False and cfg.load_from is None


def test_a_missing_resume_path_is_an_error(tmp_path):
    cfg = Config(dict(work_dir=str(tmp_path)))
    with pytest.raises(FileNotFoundError, match=f'--resume {tmp_path}/epoch_9.pth: no such checkpoint file'):
        configure_resume(cfg, str(tmp_path / 'epoch_9.pth'))


def test_a_weights_only_file_is_not_resumed_from(tmp_path):
    import torch
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': {'w': torch.zeros(1)}}, path)
    with pytest.raises(CheckpointFileError, match='has no meta, message_hub: it holds weights, not the training state'):
        configure_resume(Config(dict(work_dir=str(tmp_path))), str(path))


def test_old_checkpoints_are_deleted_only_after_the_new_one_and_last_checkpoint_are_in_place(tmp_path, monkeypatch):
    events = []
    real_commit, real_write_text = checkpoint_hook.commit, checkpoint_hook.write_text

    def commit(temporary, path):
        events.append(('checkpoint', os.path.basename(path), sorted(p.name for p in tmp_path.glob('epoch_*.pth'))))
        real_commit(temporary, path)

    def write_text(path, text):
        events.append(('last_checkpoint', os.path.basename(text), sorted(p.name for p in tmp_path.glob('epoch_*.pth'))))
        real_write_text(path, text)

    monkeypatch.setattr(checkpoint_hook, 'commit', commit)
    monkeypatch.setattr(checkpoint_hook, 'write_text', write_text)
    train_tiny(tmp_path, max_epochs=3, max_keep_ckpts=1)
    assert events == [('checkpoint', 'epoch_1.pth', []), ('last_checkpoint', 'epoch_1.pth', ['epoch_1.pth']),
                      ('checkpoint', 'epoch_2.pth', ['epoch_1.pth']),
                      ('last_checkpoint', 'epoch_2.pth', ['epoch_1.pth', 'epoch_2.pth']),
                      ('checkpoint', 'epoch_3.pth', ['epoch_2.pth']),
                      ('last_checkpoint', 'epoch_3.pth', ['epoch_2.pth', 'epoch_3.pth'])]
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['epoch_3.pth']
    assert not list(tmp_path.glob('.*.tmp'))
