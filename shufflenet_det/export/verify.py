"""Run the PyTorch detector and its ONNX export on the same images and compare their detections."""

from collections.abc import Callable
from pathlib import Path

import mmcv
import numpy as np
import onnxruntime as ort
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from ..core.markdown import markdown_table
from ..deploy.detections import DetectionMatch, Detections, MatchTolerance, match_detections
from ..deploy.detector import make_session
from ..deploy.preprocess import InputScale
from ..deploy.spec import INPUT_NAME, OUTPUT_NAMES
from .sample_inputs import resize_to_scale, sample_images, to_model_input

#: When an exported detection is the PyTorch one: same label, IoU >= 0.99, score within 1e-3.
PARITY_TOLERANCE = MatchTolerance(score=1e-3, min_iou=0.99)
IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')


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
    return Detections.from_arrays(result.bboxes.numpy(), result.scores.numpy(), result.labels.numpy())


def onnx_detections(session: ort.InferenceSession, image_bgr: np.ndarray) -> Detections:
    """The exported model's detections on one resized BGR image."""
    return Detections.from_arrays(*session.run(list(OUTPUT_NAMES), {INPUT_NAME: to_model_input(image_bgr).numpy()}))


def load_images(source: str | Path | None, count: int, input_scale: InputScale) -> dict[str, np.ndarray]:
    """Resized BGR images by name: up to ``count`` files from ``source``, or built-in shapes images without one.

    Raises:
        FileNotFoundError: If ``source`` does not exist or holds no image.
        ValueError: If an image cannot be read.
    """
    if source is None:
        return {f'shapes_{index}': image for index, image in enumerate(sample_images(count, input_scale))}
    path = Path(source)
    if path.is_dir():
        files = sorted(file for file in path.iterdir() if file.suffix.lower() in IMAGE_SUFFIXES)[:count]
    elif path.is_file():
        files = [path]
    else:
        raise FileNotFoundError(f'images {source} do not exist')
    if not files:
        raise FileNotFoundError(f'no {"/".join(IMAGE_SUFFIXES)} images in {source}')
    images = {}
    for file in files:
        image = mmcv.imread(str(file))
        if image is None:
            raise ValueError(f'cannot read image {file} (corrupt or not an image)')
        images[file.name] = resize_to_scale(image, input_scale)
    return images


def verify_export(detector: torch.nn.Module, onnx_path: str | Path, images: dict[str, np.ndarray],
                  top_k: int = 20) -> dict[str, DetectionMatch]:
    """Match the detector's top ``top_k`` detections in its export's, on resized BGR ``images`` (name -> image)."""
    session = make_session(onnx_path, threads=1)
    return {name: match_detections(torch_detections(detector, image), onnx_detections(session, image),
                                   PARITY_TOLERANCE, top_k)
            for name, image in images.items()}


def parity_table(matches: dict[str, DetectionMatch]) -> str:
    """One Markdown row per image plus a total row."""
    rows = [[name, f'{m.matched}/{m.considered}', m.reference_count, m.other_count, f'{m.max_box_error:.1e}',
             f'{m.max_score_error:.1e}'] for name, m in matches.items()]
    every = list(matches.values())
    rows.append(['all', f'{sum(m.matched for m in every)}/{sum(m.considered for m in every)}',
                 sum(m.reference_count for m in every), sum(m.other_count for m in every),
                 f'{max(m.max_box_error for m in every):.1e}', f'{max(m.max_score_error for m in every):.1e}'])
    return markdown_table(['image', 'top detections matched', 'PyTorch dets', 'ONNX dets', 'max box err (px)',
                           'max score err'], rows)


def check_parity(detector: torch.nn.Module, onnx_path: str | Path, images: dict[str, np.ndarray], top_k: int,
                 min_parity: float, log: Callable[[str], None] = print) -> bool:
    """Log the parity table and a verdict; True when the matched fraction reaches ``min_parity``."""
    log(f'comparing PyTorch and ONNX Runtime on {len(images)} image(s)')
    matches = verify_export(detector, onnx_path, images, top_k)
    log(parity_table(matches))
    considered = sum(match.considered for match in matches.values())
    if considered == 0:
        log("error: PyTorch found no detections on any image, so parity says nothing; use a trained checkpoint or "
            "'random'")
        return False
    rate = sum(match.matched for match in matches.values()) / considered
    log(f'{"PASS" if rate >= min_parity else "FAIL"}: {rate:.1%} of the top-{top_k} detections match (label '
        f'equal, IoU >= {PARITY_TOLERANCE.min_iou}, score within {PARITY_TOLERANCE.score:g}); required '
        f'{min_parity:.0%}')
    return rate >= min_parity
