"""The PyTorch detector behind the device runner's interface, as tools/test_tiled.py runs it."""

import numpy as np
from mmengine.config import Config
from PIL import Image

from shufflenet_det.deploy.tiled import TiledDetector
from shufflenet_det.export.torch_runner import TorchDetector
from shufflenet_det.shapes.picture import torch_detections


def test_torch_detector_gives_mmdetections_own_detections(trained_shapes_detector) -> None:
    runner = TorchDetector(trained_shapes_detector.config, trained_shapes_detector.checkpoint)
    path = sorted(trained_shapes_detector.val_images.glob('*.jpg'))[0]
    image = np.asarray(Image.open(path).convert('RGB'))
    found = runner.detect(image)
    runner.model.cfg = Config.fromfile(str(trained_shapes_detector.config))  # for MMDetection's test pipeline
    reference = torch_detections(runner.model, path)
    assert len(found) == len(reference) > 0
    assert np.allclose(found.boxes, reference.boxes, atol=0.05)
    assert np.allclose(found.scores, reference.scores, atol=1e-4)
    assert runner.spec.classes == ('circle', 'square', 'triangle', 'cross', 'ring')
    # A tile as large as the image: the same detections, merged once more by per-class NMS.
    assert len(TiledDetector(runner, 1000, 0.2).detect(image)) <= len(found)
