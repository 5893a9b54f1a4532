"""Box arithmetic of MMDetection's Faster R-CNN, written with traceable tensor ops only.

Every function here follows the MMDetection function named in its docstring exactly, so that the exported graph
gives the same boxes as the PyTorch detector. None of them reads a size that varies with the input (image size,
number of boxes) from an intermediate tensor's shape: the ONNX exporter records such sizes as constants of the
example input (only the graph input's own shape stays dynamic). Each is written with few operators on whole
(N, 4) tensors, since a runtime pays a fixed cost per node.
"""

import math

import torch
from torch import Tensor
from torch.onnx.operators import shape_as_tensor


def image_limits(image: Tensor) -> Tensor:
    """(1, 4) float tensor (width, height, width, height) of a (1, 3, H, W) image: the box clipping limits."""
    height_width = shape_as_tensor(image)[2:].to(image.dtype)
    return height_width[[1, 0, 1, 0]][None]


def anchors_at(indices: Tensor, base_anchors: Tensor, stride: int, features: Tensor) -> Tensor:
    """The anchors with flat indices ``indices`` of a feature map, as ``AnchorGenerator.single_level_grid_priors``
    orders them (by row, then column, then anchor), without building the whole grid.

    Args:
        indices: (K,) int64 indices into the grid's H * W * A anchors.
        base_anchors: The generator's anchors at position (0, 0), shape (A, 4).
        stride: Stride of the feature map in input pixels.
        features: The feature map (N, C, H, W); only its width is used.

    Returns:
        Anchors of shape (K, 4).
    """
    position = indices // base_anchors.shape[0]
    # Counted along a row of the features: the exporter records sizes of intermediate tensors (and shapes read
    # from them) as constants of the example input, which would freeze the anchors to that size.
    width = (features[0, 0, 0, :] * 0 + 1).sum().long()
    column, row = position % width, position // width
    shifts = torch.stack([column, row], dim=1).to(base_anchors.dtype) * stride
    return base_anchors[indices % base_anchors.shape[0]] + shifts.repeat(1, 2)


def decode_deltas(rois: Tensor, deltas: Tensor, means: tuple[float, ...], stds: tuple[float, ...],
                  limits: Tensor, wh_ratio_clip: float = 16 / 1000) -> Tensor:
    """Apply box deltas to boxes and clip to the image, as ``DeltaXYWHBBoxCoder.decode`` (``delta2bbox``).

    Args:
        rois: Boxes (x1, y1, x2, y2) of shape (N, 4).
        deltas: Deltas of shape (N, 4), one per box.
        means: The coder's target means (4 values).
        stds: The coder's target standard deviations (4 values).
        limits: (1, 4) clipping limits from :func:`image_limits`.
        wh_ratio_clip: The coder's limit on the width / height change.

    Returns:
        Decoded boxes of shape (N, 4).
    """
    if tuple(stds) != (1.0, 1.0, 1.0, 1.0):
        deltas = deltas * deltas.new_tensor(stds)
    if any(means):
        deltas = deltas + deltas.new_tensor(means)
    corner1, corner2 = rois.chunk(2, dim=1)
    shift, scale = deltas.chunk(2, dim=1)
    centers = (corner1 + corner2) * 0.5
    sizes = corner2 - corner1
    max_ratio = abs(math.log(wh_ratio_clip))
    new_centers = centers + sizes * shift
    half_sizes = sizes * scale.clamp(min=-max_ratio, max=max_ratio).exp() * 0.5
    boxes = torch.cat([new_centers - half_sizes, new_centers + half_sizes], dim=1)
    return torch.minimum(boxes.clamp(min=0), limits)
