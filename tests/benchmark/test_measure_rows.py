"""Measuring rows: both runtimes in one process, failures recorded, the models and their inputs."""

import numpy as np
import pytest
import torch

from shufflenet_det.benchmark.case import Setting
from shufflenet_det.benchmark.classifiers import MatrixAdaptiveAvgPool, build_classifier, export_classifier
from shufflenet_det.benchmark.detectors import padded_size
from shufflenet_det.benchmark.peers import peer_case
from shufflenet_det.benchmark.sweep import run_sweep
from shufflenet_det.benchmark.zoo import DETECTOR, MODELS_BY_KEY, find_models, plan
from shufflenet_det.complexity.mult_adds import classifier_complexity
from shufflenet_det.core.project_configs import config_for
from shufflenet_det.deploy.detector import make_session


def test_plan_crosses_classifiers_with_sizes_and_detectors_with_scales():
    specs = find_models(['shufflenet-1x', 'frcnn-mobilenet-1.0'])
    settings = plan(specs, [(224, 224), (480, 640)], [300])
    assert [s.label for s in settings] == ['shufflenet-1x 224x224', 'shufflenet-1x 480x640',
                                           'frcnn-mobilenet-1.0 @300']


def test_unknown_model_names_the_known_ones():
    with pytest.raises(ValueError, match='shufflenet-0.5x'):
        find_models(['resnet-101'])


def test_sweep_times_both_runtimes_and_records_failures(tmp_path):
    settings = plan(find_models(['shufflenet-0.5x']), [(64, 64)], []) + [
        Setting(find_models(['frcnn-shufflenet-1x'])[0], scale=450)]
    rows = run_sweep(settings, ['torch', 'onnx'], threads=1, warmup=0, runs=2, out_dir=tmp_path)
    assert [(r.key, r.runtime) for r in rows] == [('shufflenet-0.5x', 'torch'), ('shufflenet-0.5x', 'onnx'),
                                                  ('frcnn-shufflenet-1x', 'torch'), ('frcnn-shufflenet-1x', 'onnx')]
    measured = rows[:2]
    assert all(r.median_ms > 0 and r.runs == 2 and r.input == '64x64' for r in measured)
    assert measured[0].gflops == measured[1].gflops > 0
    assert (tmp_path / 'onnx' / 'shufflenet-0.5x_64x64.onnx').is_file()
    failed = rows[2:]
    assert all(r.median_ms is None and 'scales 300 and 600' in r.note for r in failed)


def test_unknown_runtime_is_refused(tmp_path):
    with pytest.raises(ValueError, match='choose from torch, onnx'):
        run_sweep([], ['tflite'], 1, 0, 1, tmp_path)


def test_alexnet_counts_about_the_papers_720_mflops():
    assert classifier_complexity(build_classifier('AlexNet')).mflops == pytest.approx(720, rel=0.02)


def test_unknown_classifier_is_a_clear_error():
    with pytest.raises(KeyError, match='AlexNet'):
        build_classifier('VGG-19')


def test_padding():
    assert padded_size(300, 400, 32) == (320, 416)
    assert padded_size(600, 800, 32) == (608, 800)


def test_peer_runs_on_the_same_kind_of_image():
    case = peer_case(Setting(MODELS_BY_KEY['tv-frcnn-mnv3-320-fpn'], scale=128))
    assert (case.height, case.width) == (128, 171)
    assert 0 < case.rois <= case.planned_rois == 150 and case.mult_adds > 0 and case.params > 19e6
    assert 'torchvision defaults: 150 proposals' in case.notes[0]
    case.torch_run()


@pytest.mark.parametrize('in_size', [(14, 19), (1, 1), (6, 6)])
def test_matrix_pool_equals_adaptive_pool(in_size):
    features = torch.randn(1, 4, *in_size)
    expected = torch.nn.AdaptiveAvgPool2d(6)(features)
    assert torch.allclose(MatrixAdaptiveAvgPool(in_size, (6, 6))(features), expected, atol=1e-6)


def test_alexnet_exports_where_its_pool_does_not_divide(tmp_path):
    model = build_classifier('AlexNet')
    image = torch.randn(1, 3, 96, 128)
    path = export_classifier(model, image, tmp_path / 'alexnet.onnx')
    logits = make_session(path, 1).run(None, {'image': image.numpy()})[0]
    with torch.no_grad():
        assert np.allclose(logits, model(image).numpy(), atol=1e-4)


def test_light_head_detectors_are_sweep_models_with_their_configs():
    for key, stem in (('frcnn-lh-shufflenet-2x', 'frcnn_lh_shufflenet_2x'),
                      ('frcnn-lh-shufflenet-1x', 'frcnn_lh_shufflenet_1x'),
                      ('frcnn-lh-mobilenet-1.0', 'frcnn_lh_mobilenet_v1')):
        spec = find_models([key])[0]
        assert spec.kind == DETECTOR and not spec.torchvision
        for scale, name in ((300, f'{stem}_300.py'), (600, f'{stem}.py')):
            path = config_for(spec.config, scale)
            assert path.is_file() and path.name == name and path.parent.name == 'lighthead'
