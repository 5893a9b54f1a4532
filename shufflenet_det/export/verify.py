"""Run the PyTorch detector and its ONNX export on the same images and compare their detections."""

from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from ..deploy.runner import make_session
from .exporter import to_model_input
from .parity import Detections, ImageParity, match_detections


def mmdet_predict(detector: torch.nn.Module, image_bgr: np.ndarray) -> InstanceData:
    """MMDetection's own inference (data preprocessor, mmcv ops) on one resized BGR image, boxes unscaled."""
    height, width = image_bgr.shape[:2]
    sample = DetDataSample(metainfo=dict(img_shape=(height, width), ori_shape=(height, width),
                                         scale_factor=(1.0, 1.0)))
    inputs = torch.from_numpy(np.ascontiguousarray(image_bgr.transpose(2, 0, 1)))
    data = detector.data_preprocessor({'inputs': [inputs], 'data_samples': [sample]}, False)
    return detector.predict(data['inputs'], data['data_samples'], rescale=False)[0].pred_instances


def torch_detections(detector: torch.nn.Module, image_bgr: np.ndarray) -> Detections:
    """The PyTorch detector's detections on one resized BGR image."""
    with torch.no_grad():
        result = mmdet_predict(detector, image_bgr)
    return Detections(result.bboxes.numpy(), result.scores.numpy(), result.labels.numpy())


def onnx_detections(session: ort.InferenceSession, image_bgr: np.ndarray) -> Detections:
    """The exported model's detections on one resized BGR image."""
    boxes, scores, labels = session.run(None, {'image': to_model_input(image_bgr).numpy()})
    return Detections(boxes, scores, labels)


def verify_export(detector: torch.nn.Module, onnx_path: str | Path, images: dict[str, np.ndarray],
                  top_k: int = 20) -> list[ImageParity]:
    """Compare the detector and its export on resized BGR ``images`` (name -> image), one report per image."""
    session = make_session(onnx_path, threads=1)
    return [match_detections(name, torch_detections(detector, image), onnx_detections(session, image), top_k)
            for name, image in images.items()]
