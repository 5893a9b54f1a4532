"""A checkpoint that does not fit is refused with the missing, unexpected and mis-shaped keys listed."""

import argparse
import importlib.util

import pytest
import torch
from source_layouts import MegviiShuffleNetV1, TimmMobileNetV1

from shufflenet_det.checkpoints import CheckpointMismatchError, convert_file, load_tensors


@pytest.fixture(scope='module')
def megvii_checkpoint() -> dict:
    return MegviiShuffleNetV1(3, 1.0).checkpoint()


def test_each_kind_of_difference_is_listed(megvii_checkpoint, tmp_path):
    tensors = dict(megvii_checkpoint['state_dict'])
    del tensors['module.features.5.branch_main_1.3.weight']
    tensors['module.features.5.extra.weight'] = torch.zeros(3)
    tensors['module.classifier.0.weight'] = torch.zeros(10, 960)
    path = tmp_path / 'edited.pth'
    torch.save({'state_dict': tensors}, path)

    with pytest.raises(CheckpointMismatchError) as error:
        convert_file('megvii', path)
    difference = error.value.difference
    assert difference.missing == ('features.5.branch_main_1.3.weight',)
    assert difference.unexpected == ('features.5.extra.weight',)
    assert difference.mis_shaped == (('classifier.0.weight', (10, 960), (1000, 960)),)
    message = str(error.value)
    assert 'Megvii ShuffleNet-Series ShuffleNet v1 1x (g=3)' in message
    for line in ('1 missing, 1 unexpected and 1 mis-shaped keys', 'missing:\n    features.5.branch_main_1.3.weight',
                 'unexpected:\n    features.5.extra.weight',
                 'mis-shaped (checkpoint vs expected):\n    classifier.0.weight [10, 960] vs [1000, 960]'):
        assert line in message


def test_a_checkpoint_of_another_source_is_refused_with_a_bounded_listing(tmp_path):
    path = tmp_path / 'timm.pth'
    torch.save(TimmMobileNetV1().checkpoint(), path)
    with pytest.raises(CheckpointMismatchError) as error:
        convert_file('megvii', path)
    message = str(error.value)
    assert '295 missing, 164 unexpected' in message
    assert '    conv_stem.weight' in message and '... and 152 more' in message
    assert 'choose its source' in message


def test_an_unknown_source_names_the_known_ones(megvii_checkpoint, tmp_path):
    with pytest.raises(ValueError, match=r"unknown checkpoint source 'torchvision'; choose one of \['megvii', "):
        convert_file('torchvision', tmp_path / 'unused.pth')


def test_files_with_code_objects_are_not_unpickled(tmp_path):
    path = tmp_path / 'with_args.pth'
    torch.save({'state_dict': {'w': torch.zeros(1)}, 'args': argparse.Namespace(lr=0.1)}, path)
    with pytest.raises(ValueError, match='weights_only=True refused it') as error:
        load_tensors(path)
    assert 'save its tensors alone' in str(error.value)


def test_a_missing_file_and_a_file_without_tensors_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.pth not found'):
        load_tensors(tmp_path / 'nowhere.pth')
    path = tmp_path / 'empty.pth'
    torch.save({'epoch': 3}, path)
    with pytest.raises(ValueError, match=r"holds no state dict .* a dict with keys \['epoch'\]"):
        load_tensors(path)


def test_wrappers_and_the_data_parallel_prefix_are_removed(megvii_checkpoint, tmp_path):
    path = tmp_path / 'megvii.pth'
    torch.save(megvii_checkpoint, path)
    tensors = load_tensors(path)
    assert 'first_conv.0.weight' in tensors and not any(key.startswith('module.') for key in tensors)


@pytest.mark.skipif(importlib.util.find_spec('safetensors') is not None, reason='safetensors is installed')
def test_safetensors_without_the_reader_says_what_to_install(tmp_path):
    path = tmp_path / 'model.safetensors'
    path.write_bytes(b'\x00')
    with pytest.raises(ImportError, match='pip install safetensors'):
        load_tensors(path)


@pytest.mark.skipif(importlib.util.find_spec('safetensors') is None, reason='safetensors is not installed')
def test_safetensors_files_are_read(tmp_path):
    from safetensors.torch import save_file

    network = TimmMobileNetV1()
    save_file(network.state_dict(), str(tmp_path / 'model.safetensors'))
    converted = convert_file('timm', tmp_path / 'model.safetensors')
    assert torch.equal(converted.state_dict['fc.weight'], network.classifier.weight)
