"""Position-sensitive RoIAlign (Light-Head R-CNN, ThunderNet) as an MMDetection RoI layer."""

import torch
import torchvision
from mmdet.registry import MODELS
from torch import nn
from torch.nn.modules.utils import _pair


@MODELS.register_module()
class PSRoIAlign(nn.Module):
    """torchvision's ``ps_roi_align`` (CPU and CUDA kernels) with mmcv's RoI-layer interface.

    The input has ``C x H_out x W_out`` channels, ordered channel-major: input channel ``c * H_out * W_out + bin``
    (bin = row * W_out + column) feeds output channel ``c`` of that bin. Like mmcv's ``RoIAlign`` with
    ``aligned=True``, box corners are shifted by half a feature pixel and boxes are not enlarged to one pixel.

    Args:
        output_size: Bins per RoI side (ThunderNet: 7).
        spatial_scale: Feature-map size over image size (1/16 for a stride-16 map).
        sampling_ratio: Sampling points per bin side; at least 1. torchvision's adaptive count (0) divides by
            zero sampling points on zero-size boxes (NaN) and rounds differently from ONNX's ``RoiAlign`` per
            bin, so it is refused here. ThunderNet uses 2.

    Raises:
        ValueError: If ``sampling_ratio`` is below 1.
    """

    def __init__(self, output_size: int | tuple[int, int], spatial_scale: float, sampling_ratio: int = 2) -> None:
        super().__init__()
        if sampling_ratio < 1:
            raise ValueError(f'PSRoIAlign needs sampling_ratio >= 1, got {sampling_ratio}: the adaptive count '
                             '(0) is NaN on zero-size boxes in torchvision and has no exact ONNX form; use 2 '
                             '(ThunderNet)')
        self.output_size = _pair(output_size)
        self.spatial_scale = float(spatial_scale)
        self.sampling_ratio = int(sampling_ratio)

    @property
    def num_bins(self) -> int:
        """Bins per RoI (``H_out * W_out``)."""
        return self.output_size[0] * self.output_size[1]

    def forward(self, features: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        """Pool ``rois`` (K, 5: batch index, x1, y1, x2, y2) from ``features`` (N, C * bins, H, W).

        Returns:
            RoI features of shape (K, C, H_out, W_out).
        """
        return torchvision.ops.ps_roi_align(features, rois.to(features.dtype), self.output_size,
                                            self.spatial_scale, self.sampling_ratio)

    def extra_repr(self) -> str:
        return (f'output_size={self.output_size}, spatial_scale={self.spatial_scale}, '
                f'sampling_ratio={self.sampling_ratio}')
