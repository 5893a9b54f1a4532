"""Converted weights make our backbone compute the source network's features and logits exactly.

Both networks run in float64: the conversion only renames and reorders tensors, so the outputs agree to about
1e-13, while a wrong channel order gives differences of order 1. (In float32 the rounding of about 50 layers
alone reaches 1e-5 of the feature scale, which would blur the check.)
"""

import pytest
import torch
from mmdet.registry import MODELS
from source_layouts import MegviiShuffleNetV1, MmpretrainClassifier, TimmMobileNetV1, randomize

from shufflenet_det.checkpoints import SOURCES, ConvertedCheckpoint, convert_file
from shufflenet_det.models import ClassificationNet

TOLERANCE = 1e-4
MEGVII = [(groups, width) for groups in (3, 8) for width in (0.5, 1.0, 1.5, 2.0)]


def save_and_convert(network: torch.nn.Module, source: str, tmp_path) -> ConvertedCheckpoint:
    path = tmp_path / f'{source}.pth'
    torch.save(network.checkpoint(), path)
    return convert_file(source, path)


def our_stage_outputs(converted: ConvertedCheckpoint, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
    num_stages = MODELS.get(converted.backbone['type']).num_stages
    backbone = MODELS.build({**converted.backbone, 'out_indices': tuple(range(num_stages))})
    prefix = 'backbone.'
    backbone.load_state_dict({key[len(prefix):]: value for key, value in converted.state_dict.items()
                              if key.startswith(prefix)}, strict=True)
    backbone.eval().double()
    with torch.no_grad():
        return backbone(images.double())


def assert_same_features(theirs: list[torch.Tensor], ours: tuple[torch.Tensor, ...]) -> None:
    assert len(theirs) == len(ours)
    for their_feature, our_feature in zip(theirs, ours, strict=True):
        assert our_feature.shape == their_feature.shape
        assert their_feature.std() > 0.1  # a real comparison, not of vanishing features
        assert (our_feature - their_feature).abs().max() < TOLERANCE


def assert_same_logits(network: torch.nn.Module, converted: ConvertedCheckpoint, images: torch.Tensor) -> None:
    classifier = ClassificationNet(converted.backbone)
    classifier.load_state_dict(converted.state_dict, strict=True)
    classifier.eval().double()
    network.double()
    with torch.no_grad():
        theirs, ours = network(images.double()), classifier(images.double())
    assert theirs.std() > 0.1
    assert (ours - theirs).abs().max() < TOLERANCE


@pytest.mark.parametrize('groups,width', MEGVII)
def test_megvii_features_for_every_release(groups, width, tmp_path):
    network = MegviiShuffleNetV1(groups, width)
    images = 255 * torch.rand(2, 3, 64, 64)  # BGR, 0-255, as Megvii's network takes them
    randomize(network, images)
    converted = save_and_convert(network, 'megvii', tmp_path)
    assert converted.architecture.name == f'shufflenet_v1_{width:g}x_g{groups}_megvii'
    # The paper's shuffle reproduces every release but g=8 at 0.5x-1.5x (see shuffle_alignment).
    assert converted.backbone.get('inverse_shuffle', False) == (groups == 8 and width < 2)
    with torch.no_grad():
        theirs = network.double().stage_outputs(images.double())
    assert_same_features(theirs, our_stage_outputs(converted, images))


@pytest.mark.parametrize('groups,width', [(3, 1.0), (8, 0.5)])
def test_megvii_logits_at_224(groups, width, tmp_path):
    network = MegviiShuffleNetV1(groups, width)
    images = 255 * torch.rand(2, 3, 224, 224)
    randomize(network, images)
    converted = save_and_convert(network, 'megvii', tmp_path)
    assert torch.equal(converted.state_dict['fc.bias'], torch.zeros(1000))  # their classifier has no bias
    assert_same_logits(network, converted, images)


@pytest.mark.parametrize('groups', (1, 2, 3, 4, 8))
def test_mmpretrain_features(groups, tmp_path):
    network = MmpretrainClassifier(groups)
    images = torch.randn(2, 3, 64, 64)  # already normalised with ImageNet mean and std
    randomize(network, images)
    converted = save_and_convert(network, 'mmpretrain', tmp_path)
    assert converted.architecture.name == f'shufflenet_v1_1x_g{groups}_mmpretrain'
    assert 'inverse_shuffle' not in converted.backbone
    with torch.no_grad():
        theirs = network.double().stage_outputs(images.double())
    assert_same_features(theirs, our_stage_outputs(converted, images))


def test_mmpretrain_logits(tmp_path):
    network = MmpretrainClassifier(3)
    images = torch.randn(2, 3, 96, 96)
    randomize(network, images)
    assert_same_logits(network, save_and_convert(network, 'mmpretrain', tmp_path), images)


@pytest.mark.parametrize('width', (1.0, 1.25))
def test_timm_mobilenet_features_and_logits(width, tmp_path):
    network = TimmMobileNetV1(width)
    images = torch.rand(2, 3, 64, 64) * 2 - 1  # RGB scaled by timm's mean and std 0.5
    randomize(network, images)
    converted = save_and_convert(network, 'timm', tmp_path)
    assert converted.architecture.name == f'mobilenet_v1_{round(width * 100)}_timm'
    assert converted.backbone['act_cfg'] == dict(type='ReLU6')
    with torch.no_grad():
        theirs = network.double().stage_outputs(images.double())
    assert_same_features(theirs, our_stage_outputs(converted, images))
    assert_same_logits(network, converted, images)


@pytest.mark.parametrize('source,build', [('megvii', lambda: MegviiShuffleNetV1(3, 1.0)),
                                          ('mmpretrain', lambda: MmpretrainClassifier(3))],
                         ids=['megvii', 'mmpretrain'])
def test_renaming_alone_would_not_reproduce_a_shufflenet(source, build, tmp_path):
    """The channel reordering is needed: without it the same tensors compute something else."""
    network = build()
    images = torch.randn(2, 3, 64, 64)
    randomize(network, images)
    converted = save_and_convert(network, source, tmp_path)
    checkpoint_source = SOURCES[source]
    tensors = network.checkpoint()['state_dict']
    tensors = {key.removeprefix('module.'): value for key, value in tensors.items()}
    renamed = dict(converted.state_dict)
    for key in renamed:
        source_key = checkpoint_source.source_key(key)
        if source_key is not None:
            renamed[key] = tensors[source_key]
    naive = ConvertedCheckpoint(converted.architecture, source, converted.backbone, converted.input_format, renamed)
    with torch.no_grad():
        theirs = network.double().stage_outputs(images.double())
    assert (our_stage_outputs(naive, images)[-1] - theirs[-1]).abs().max() > 0.1
    assert_same_features(theirs, our_stage_outputs(converted, images))


@pytest.mark.parametrize('source,expected', [
    ('megvii', dict(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0], bgr_to_rgb=False)),
    ('mmpretrain', dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True)),
    ('timm', dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], bgr_to_rgb=True)),
])
def test_input_format_of_each_source(source, expected):
    assert SOURCES[source].input_format == expected


def test_saved_file_loads_with_weights_only_and_records_how_to_use_it(tmp_path):
    network = MegviiShuffleNetV1(8, 1.0)
    randomize(network, 255 * torch.rand(1, 3, 64, 64))
    converted = save_and_convert(network, 'megvii', tmp_path)
    converted.save(str(tmp_path / 'converted.pth'))
    saved = torch.load(tmp_path / 'converted.pth', weights_only=True)
    assert saved['meta']['architecture'] == 'shufflenet_v1_1x_g8_megvii'
    assert saved['meta']['backbone'] == dict(type='ShuffleNetV1', groups=8, widen_factor=1.0, inverse_shuffle=True)
    assert saved['meta']['data_preprocessor'] == SOURCES['megvii'].input_format
    assert saved['state_dict'].keys() == ClassificationNet(converted.backbone).state_dict().keys()
