"""The export form of ShuffleNet v1 units computes what the units compute, in PyTorch and in ONNX Runtime."""

from collections import Counter

import numpy as np
import onnx
import pytest
import torch
from torch import nn

from shufflenet_det.deploy.detector import make_session
from shufflenet_det.export.shuffle_unit_forms import ExportedShuffleUnit, shuffle_order, with_exported_shuffle_units
from shufflenet_det.models.shufflenet_v1 import ShuffleNetV1
from shufflenet_det.models.utils import channel_shuffle


def backbone(groups: int, widen_factor: float, inverse_shuffle: bool = False) -> ShuffleNetV1:
    """A small ShuffleNet v1 in eval mode with batch norms that are far from the identity."""
    model = ShuffleNetV1(groups=groups, widen_factor=widen_factor, out_indices=(0, 1, 2),
                         inverse_shuffle=inverse_shuffle)
    generator = torch.Generator().manual_seed(groups)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            count = module.num_features
            module.running_mean = torch.rand(count, generator=generator) * 2 - 1
            module.running_var = torch.rand(count, generator=generator) + 0.5
            module.weight.data = torch.rand(count, generator=generator) + 0.5
            module.bias.data = torch.rand(count, generator=generator) - 0.5
    return model.eval()


def test_shuffle_order_is_the_channel_shuffle():
    x = torch.rand(1, 12, 2, 3)
    assert torch.equal(x[:, shuffle_order(12, 3)], channel_shuffle(x, 3))


@pytest.mark.parametrize(('groups', 'widen_factor', 'inverse_shuffle'),
                         [(3, 0.5, False), (8, 0.5, True), (1, 0.5, False)])
def test_exported_units_compute_the_same(groups, widen_factor, inverse_shuffle):
    model = backbone(groups, widen_factor, inverse_shuffle)
    before = {name: value.clone() for name, value in model.state_dict().items()}
    exported = with_exported_shuffle_units(model)
    x = torch.rand(1, 3, 96, 128) * 4
    with torch.no_grad():
        expected, found = model(x), exported(x)
    for stage_expected, stage_found in zip(expected, found, strict=True):
        torch.testing.assert_close(stage_found, stage_expected, rtol=1e-4, atol=1e-4)
    assert sum(isinstance(module, ExportedShuffleUnit) for module in exported.modules()) == 16
    assert not any(isinstance(module, nn.BatchNorm2d) for module in exported.modules())
    assert all(torch.equal(value, before[name]) for name, value in model.state_dict().items())  # copied


def test_onnx_graph_of_the_exported_form(tmp_path):
    model = backbone(3, 0.5)
    path = tmp_path / 'backbone.onnx'
    x = torch.rand(1, 3, 64, 96) * 4
    with torch.no_grad():
        torch.onnx.export(with_exported_shuffle_units(model), (x, ), str(path), dynamo=False, opset_version=17,
                          input_names=['x'], dynamic_axes={'x': {2: 'height', 3: 'width'}})
        expected = model(x)
    graph = onnx.load(str(path)).graph
    kinds = Counter(node.op_type for node in graph.node)
    # one Gather per unit whose first convolution is grouped (all but Stage2's first), no transposes, no norms
    assert kinds['Gather'] == 15 and kinds['Transpose'] == 0 and kinds['BatchNormalization'] == 0
    # the stride-2 units' ReLU acts on the convolution branch before the concatenation, not after it
    concat_outputs = {node.output[0] for node in graph.node if node.op_type == 'Concat'}
    assert len(concat_outputs) == 3
    assert not any(node.op_type == 'Relu' and node.input[0] in concat_outputs for node in graph.node)
    found = make_session(str(path), 1).run(None, {'x': x.numpy()})
    for stage_expected, stage_found in zip(expected, found, strict=True):
        np.testing.assert_allclose(stage_found, stage_expected.numpy(), rtol=1e-4, atol=1e-4)
