"""RoIAlign as one ONNX ``RoiAlign`` node fed boxes and batch indices directly.

torchvision's ``roi_align`` takes (K, 5) RoIs with the batch index in the first column, and its export splits
that column off again with two ``Gather`` nodes; the graphs here hold boxes and batch indices apart already.
"""

import torch
import torchvision
from torch import Tensor


class RoiAlign(torch.autograd.Function):
    """``torchvision.ops.roi_align`` with average pooling, exported as ONNX ``RoiAlign`` (``aligned``: the
    half-pixel convention, otherwise the legacy one, as torchvision's own export).

    Forward inputs: features (N, C, H, W); boxes (K, 4) x1, y1, x2, y2 in image coordinates; batch indices (K,)
    int64; output height and width; spatial scale; sampling ratio (0: adaptive); aligned. Output:
    (K, C, height, width).
    """

    @staticmethod
    def forward(ctx, features: Tensor, boxes: Tensor, batch_indices: Tensor, height: int, width: int,
                spatial_scale: float, sampling_ratio: int, aligned: bool) -> Tensor:
        rois = torch.cat([batch_indices[:, None].to(boxes.dtype), boxes], dim=1)
        return torchvision.ops.roi_align(features, rois, (height, width), spatial_scale=spatial_scale,
                                         sampling_ratio=sampling_ratio, aligned=aligned)

    @staticmethod
    def symbolic(g, features, boxes, batch_indices, height: int, width: int, spatial_scale: float,
                 sampling_ratio: int, aligned: bool):
        convention = 'half_pixel' if aligned else 'output_half_pixel'
        return g.op('RoiAlign', features, boxes, batch_indices, coordinate_transformation_mode_s=convention,
                    mode_s='avg', output_height_i=height, output_width_i=width, sampling_ratio_i=sampling_ratio,
                    spatial_scale_f=spatial_scale)


def roi_align(features: Tensor, boxes: Tensor, batch_indices: Tensor, output_size: tuple[int, int],
              spatial_scale: float, sampling_ratio: int, aligned: bool = True) -> Tensor:
    """Pool each of ``boxes`` (K, 4) from image ``batch_indices`` (K,) of ``features`` to ``output_size``, as
    ``torchvision.ops.roi_align`` (see :class:`RoiAlign`)."""
    return RoiAlign.apply(features, boxes, batch_indices, int(output_size[0]), int(output_size[1]),
                          float(spatial_scale), int(sampling_ratio), bool(aligned))
