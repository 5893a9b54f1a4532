"""torchvision's MobileNetV3 Faster R-CNN detectors (random weights) as sweep cases beside the project's.

Each peer keeps its own RPN and RoI settings (proposal counts, score threshold) and is only given the sweep's
input scale (``min_size``) and the matching longer-side limit, so it sees the same 4:3 image as the project's
detectors.
"""

from pathlib import Path

import torch
import torchvision
from torch import nn

from ..complexity.mult_adds import count_mult_adds, count_params
from ..core.project_configs import input_scale_for
from ..deploy.spec import OPSET
from ..export.sample_inputs import sample_images
from .case import Case, Setting, register_case_builder
from .rows import ModelKind

#: torchvision builder of each peer, by the peer's command-line key.
PEER_BUILDERS = {
    'tv-frcnn-mnv3-320-fpn': torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn,
    'tv-frcnn-mnv3-fpn': torchvision.models.detection.fasterrcnn_mobilenet_v3_large_fpn,
}


def build_peer(key: str, scale: int, max_size: int) -> nn.Module:
    """The peer ``key`` with random weights (no download), resizing images to ``scale`` / ``max_size``.

    Raises:
        KeyError: If ``key`` is not a known peer.
    """
    if key not in PEER_BUILDERS:
        raise KeyError(f'unknown peer detector {key!r}; known: {", ".join(PEER_BUILDERS)}')
    return PEER_BUILDERS[key](weights=None, weights_backbone=None, min_size=scale, max_size=max_size).eval()


def count_peer_rois(model: nn.Module, run: callable) -> int:
    """Number of RoIs the peer's box RoI pooling saw during ``run()`` (its second argument: boxes per image)."""
    seen = []
    handle = model.roi_heads.box_roi_pool.register_forward_hook(
        lambda module, args, output: seen.append(sum(len(boxes) for boxes in args[1])))
    try:
        run()
    finally:
        handle.remove()
    return sum(seen)


@register_case_builder('torchvision')
def peer_case(setting: Setting) -> Case:
    """A torchvision detector at the setting's scale on the same 4:3 image as the project's detectors."""
    key, name, scale = setting.model.key, setting.model.name, setting.scale
    input_scale = input_scale_for(scale)
    torch.manual_seed(0)
    model = build_peer(key, scale, input_scale.max_size)
    image_rgb = sample_images(1, input_scale, seed=1)[0][..., ::-1]
    height, width = image_rgb.shape[:2]
    image = torch.from_numpy(image_rgb.transpose(2, 0, 1).copy()).float() / 255

    def run() -> list[dict]:
        return model([image])

    def export(folder: Path) -> Path:
        path = folder / f'{key}_{scale}.onnx'
        path.parent.mkdir(parents=True, exist_ok=True)
        with torch.no_grad():
            torch.onnx.export(model, ([image], ), str(path), dynamo=False, opset_version=OPSET,
                              input_names=['image'], output_names=['boxes', 'labels', 'scores'])
        return path

    with torch.inference_mode():
        rois = count_peer_rois(model, run)
        detections = len(run()[0]['boxes'])
        mult_adds = count_mult_adds(model, run)
    planned = model.rpn._post_nms_top_n['testing']
    return Case(key=key, name=name, kind=ModelKind.DETECTOR, height=height, width=width, scale=scale, model=model,
                torch_run=run, export_onnx=export, onnx_feed={'image': image.numpy()}, mult_adds=mult_adds,
                params=count_params(model), rois=rois, planned_rois=planned, detections=detections,
                notes=[f'torchvision defaults: {planned} proposals per image, FPN RoI head'])
