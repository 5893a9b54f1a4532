"""Position-sensitive RoIAlign written with standard ONNX operators (``RoiAlign`` and reshapes).

ONNX has no position-sensitive pooling. Each bin of a position-sensitive RoI reads its own group of channels:
torchvision's kernel maps input channel ``c * bins + bin`` to output channel ``c`` of bin ``bin``. Viewing the
map as one image per bin (``bins`` images of ``C`` channels) and every RoI as its ``bins`` bin boxes, each
pooled to 1x1 from its bin's image with the same half-pixel convention and sampling points, gives the same
averages as the kernel with exactly its sampling work.

Checked against torchvision's CPU kernel (tests/export/test_ps_roi_align_export.py): both shift box corners by
half a feature pixel and never enlarge small boxes; a bin's ``sampling_ratio x sampling_ratio`` points sit at
the centres of a regular grid over the bin, points beyond one pixel outside the map count as zero, and a
zero-size box samples its corner point.
"""

import numpy as np
import torch
from torch import Tensor, nn

from .roi_align_onnx import roi_align

#: Module name of the pooling in exported graphs: its ONNX nodes are named ``/ps_roi_align/...``, so profiles can
#: tell its ``RoiAlign`` (one box per RoI bin) from a plain one (one box per RoI).
PS_ROI_ALIGN_SCOPE = 'ps_roi_align'


def bin_corner_weights(rows: int, columns: int) -> Tensor:
    """(4, rows * columns * 4) weights taking a box (x1, y1, x2, y2) to its bins' boxes, bin by bin (row-major).

    Bin (i, j) spans x1 + j / columns * (x2 - x1) to x1 + (j + 1) / columns * (x2 - x1), and likewise in y.
    Built with numpy, so that a trace records one constant.
    """
    column, row = np.meshgrid(np.arange(columns), np.arange(rows))
    weights = np.zeros((4, rows * columns, 4))
    for corner, shift in enumerate((0, 1)):  # top-left corner, bottom-right corner
        x_fraction, y_fraction = (column.ravel() + shift) / columns, (row.ravel() + shift) / rows
        weights[0, :, 2 * corner], weights[2, :, 2 * corner] = 1 - x_fraction, x_fraction
        weights[1, :, 2 * corner + 1], weights[3, :, 2 * corner + 1] = 1 - y_fraction, y_fraction
    return torch.from_numpy(weights.reshape(4, -1).astype(np.float32))


def ps_roi_align_standard(features: Tensor, rois: Tensor, output_size: tuple[int, int], spatial_scale: float,
                          sampling_ratio: int) -> Tensor:
    """``torchvision.ops.ps_roi_align`` with a fixed ``sampling_ratio``, using ``roi_align`` (ONNX ``RoiAlign``).

    Args:
        features: Feature maps (N, C * bins, H, W), channels ordered as torchvision's kernel reads them.
        rois: Boxes (K, 5): batch index, x1, y1, x2, y2 in image coordinates.
        output_size: Bins per RoI (rows, columns).
        spatial_scale: Feature-map size over image size.
        sampling_ratio: Sampling points per bin side (at least 1).

    Returns:
        Pooled features (K, C, rows, columns).
    """
    rows, columns = output_size
    bins = rows * columns
    # (N, C * bins, H, W) -> (N * bins, C, H, W): image n * bins + b holds bin b's channels of image n.
    per_bin = features.unflatten(1, (-1, bins)).transpose(1, 2).flatten(0, 1)
    # Every bin's corners are fixed blends of the RoI's corners: one (K, 4) x (4, bins * 4) product.
    bin_boxes = (rois[:, 1:] @ bin_corner_weights(rows, columns).to(rois)).reshape(-1, 4)
    images = (rois[:, :1].long() * bins + torch.arange(bins, device=rois.device)).reshape(-1)
    pooled = roi_align(per_bin, bin_boxes, images, (1, 1), spatial_scale, sampling_ratio)
    # (K * bins, C, 1, 1) -> (K, C, rows, columns)
    return pooled.flatten(1).unflatten(0, (-1, bins)).transpose(1, 2).unflatten(2, (rows, columns))


class StandardPSRoIAlign(nn.Module):
    """:func:`ps_roi_align_standard` as a module (its exported nodes sit under its attribute name's scope).

    Args:
        output_size: Bins per RoI (rows, columns).
        spatial_scale: Feature-map size over image size.
        sampling_ratio: Sampling points per bin side (at least 1).
    """

    def __init__(self, output_size: tuple[int, int], spatial_scale: float, sampling_ratio: int) -> None:
        super().__init__()
        self.output_size, self.spatial_scale, self.sampling_ratio = output_size, spatial_scale, sampling_ratio

    def forward(self, features: Tensor, rois: Tensor) -> Tensor:
        """Pool ``rois`` (K, 5) from ``features`` (N, C * bins, H, W) to (K, C, rows, columns)."""
        return ps_roi_align_standard(features, rois, self.output_size, self.spatial_scale, self.sampling_ratio)
