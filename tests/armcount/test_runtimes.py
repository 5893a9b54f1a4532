"""MNN and ncnn run a converted tiny classifier with ONNX Runtime's logits (natively, on this machine).

The ncnn conversions are ``slow``: pnnx takes 20 s or more to start on a busy 2-core machine.
"""

import numpy as np
import pytest
from tiny_classifier import SIZE, write_tiny_classifier

from shufflenet_det.deploy.backends import ncnn_blobs, open_model
from shufflenet_det.deploy.conversion import ConversionError, convert
from shufflenet_det.deploy.runtime_compare import compare_runtimes, logit_parity


@pytest.fixture(scope='module')
def classifier(tmp_path_factory):
    return write_tiny_classifier(tmp_path_factory.mktemp('tiny'))


@pytest.mark.parametrize('runtime', ['mnn', pytest.param('ncnn', marks=pytest.mark.slow)])
def test_converted_classifier_matches_onnxruntime(classifier, runtime, tmp_path):
    pytest.importorskip({'mnn': 'MNN', 'ncnn': 'ncnn'}[runtime])
    if runtime == 'ncnn':
        pytest.importorskip('pnnx')
    tensor = np.random.default_rng(1).standard_normal((1, 3, SIZE, SIZE)).astype(np.float32)
    converted = convert(classifier, runtime, tmp_path, tensor.shape)
    reference = open_model('onnxruntime', classifier).run(tensor)
    outputs = open_model(runtime, converted).run(tensor)
    summary, ok = logit_parity(reference, outputs)
    assert ok, summary
    assert outputs[0].reshape(-1).shape == (4,)


def test_compare_runtimes_reports_parity_and_latency(classifier, tmp_path):
    pytest.importorskip('MNN')
    tensor = np.zeros((1, 3, SIZE, SIZE), np.float32)
    results = compare_runtimes(classifier, tensor, ['mnn'], tmp_path, warmup=1, runs=2)
    assert [result.runtime for result in results] == ['onnxruntime', 'mnn']
    assert all(result.parity_ok and result.median_ms > 0 for result in results)


@pytest.mark.slow
def test_a_model_ncnn_cannot_express_names_its_operators(tmp_path):
    pytest.importorskip('ncnn')
    pytest.importorskip('pnnx')
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node('NonZero', ['image'], ['indices'])], 'nonzero',
                              [helper.make_tensor_value_info('image', TensorProto.FLOAT, [1, 3, 4, 4])],
                              [helper.make_tensor_value_info('indices', TensorProto.INT64, [4, None])])
    path = tmp_path / 'nonzero.onnx'
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], ir_version=8), path)
    with pytest.raises(ConversionError, match=r'NonZero.*|cannot convert') as error:
        convert(path, 'ncnn', tmp_path / 'out', (1, 3, 4, 4))
    assert 'pnnx' in str(error.value) and 'ncnn' in str(error.value)


def test_ncnn_blobs_of_a_param_file(tmp_path):
    param = tmp_path / 'm.ncnn.param'
    param.write_text('7767517\n3 3\nInput in0 0 1 in0\nConvolution conv 1 1 in0 1 0=4\n'
                     'InnerProduct fc 1 1 1 out0 0=2\n')
    assert ncnn_blobs(param) == (['in0'], ['out0'])
