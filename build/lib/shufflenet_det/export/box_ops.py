"""Box arithmetic of MMDetection's Faster R-CNN, written with traceable tensor ops only.

Every function here follows the MMDetection function named in its docstring exactly, so that the exported graph
gives the same boxes as the PyTorch detector. None of them reads a size that varies with the input (image size,
number of boxes): the ONNX exporter records such sizes of intermediate tensors as constants of the example input.
"""

import math

import torch
from torch import Tensor


def grid_anchors(base_anchors: Tensor, features: Tensor, stride: int) -> Tensor:
    """Anchors of every position of a feature map, as ``AnchorGenerator.single_level_grid_priors``.

    Args:
        base_anchors: The generator's anchors at position (0, 0), shape (A, 4).
        features: The feature map (N, C, H, W); only its height and width are used.
        stride: Stride of the feature map in input pixels.

    Returns:
        Anchors of shape (H * W * A, 4), ordered by row, then column, then anchor.
    """
    # Counting along a row / column of the features themselves: the exporter folds torch.arange, ones_like and
    # meshgrid into constants of the example input's size, which would freeze the anchors to that size.
    shift_x = (((features[0, 0, 0, :] * 0 + 1).cumsum(0) - 1) * stride)[None, :, None]
    shift_y = (((features[0, 0, :, 0] * 0 + 1).cumsum(0) - 1) * stride)[:, None, None]
    shift_xx, shift_yy = shift_x + 0 * shift_y, shift_y + 0 * shift_x
    shifts = torch.cat([shift_xx, shift_yy, shift_xx, shift_yy], dim=-1).reshape(-1, 1, 4)
    return (base_anchors[None] + shifts).reshape(-1, 4)


def decode_deltas(rois: Tensor, deltas: Tensor, means: tuple[float, ...], stds: tuple[float, ...],
                  height: Tensor, width: Tensor, wh_ratio_clip: float = 16 / 1000) -> Tensor:
    """Apply box deltas to boxes and clip to the image, as ``DeltaXYWHBBoxCoder.decode`` (``delta2bbox``).

    Args:
        rois: Boxes (x1, y1, x2, y2) of shape (N, 4).
        deltas: Deltas of shape (N, 4 * C): C classes, each decoded against the same box.
        means: The coder's target means (4 values).
        stds: The coder's target standard deviations (4 values).
        height: Image height the boxes are clipped to.
        width: Image width the boxes are clipped to.
        wh_ratio_clip: The coder's limit on the width / height change.

    Returns:
        Decoded boxes of shape (N, 4 * C).
    """
    deltas = deltas.reshape(-1, deltas.shape[1] // 4, 4) * deltas.new_tensor(stds) + deltas.new_tensor(means)
    rois = rois[:, None, :]
    centers = (rois[..., :2] + rois[..., 2:]) * 0.5
    sizes = rois[..., 2:] - rois[..., :2]
    max_ratio = abs(math.log(wh_ratio_clip))
    new_centers = centers + sizes * deltas[..., :2]
    new_sizes = sizes * deltas[..., 2:].clamp(min=-max_ratio, max=max_ratio).exp()
    boxes = torch.cat([new_centers - new_sizes * 0.5, new_centers + new_sizes * 0.5], dim=-1)
    return clip_boxes(boxes, height, width).flatten(1)


def clip_boxes(boxes: Tensor, height: Tensor, width: Tensor) -> Tensor:
    """Clip (..., 4) boxes to [0, width] x [0, height], as ``delta2bbox`` does with ``max_shape``."""
    limits = torch.stack([width, height, width, height]).to(boxes.dtype)
    return torch.minimum(boxes.clamp(min=0), limits)
