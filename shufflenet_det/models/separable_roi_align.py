"""RoIAlign as two matrix products: mmcv's numbers, with a backward pass that is fast on a CPU.

RoIAlign averages bilinear samples on a regular grid in every bin. A bilinear weight is a product of a weight on
rows and a weight on columns, the grid is a product of row and column positions, and a sample outside the map
is dropped for its row or its column alone, so every RoI's pooling is ``A_y @ feature_map @ A_x^T``. ``A_y``
(bins x map rows) holds each bin's averaged row weights and ``A_x`` its column weights. Autograd then gives
the backward pass as matrix products too, much faster on a CPU than mmcv's kernels (measured in docs/demo.md).
"""

import torch
from mmdet.registry import MODELS
from torch import nn
from torch.nn.modules.utils import _pair


def _axis_weights(start: torch.Tensor, length: torch.Tensor, bins: int, grid: torch.Tensor, size: int) -> torch.Tensor:
    """Each bin's mean bilinear weight on each map row (or column), as mmcv's ``bilinear_interpolate``.

    Args:
        start: RoI start on this axis in feature pixels, shape (K,).
        length: RoI length on this axis in feature pixels, shape (K,).
        bins: Bins per RoI on this axis.
        grid: Sampling points per bin on this axis, per RoI, shape (K,); 0 means no sample.
        size: Map rows (or columns).

    Returns:
        Weights of shape (K, bins, size).
    """
    num_rois = start.shape[0]
    most = max(int(grid.max()), 1) if num_rois else 1
    bin_size = length / bins
    step = torch.arange(most, dtype=start.dtype, device=start.device)
    per_roi_grid = grid.clamp(min=1).to(start.dtype)[:, None, None]
    # Sample positions (K, bins, most): bin start plus (i + 0.5) sample widths.
    position = (start[:, None, None] + torch.arange(bins, dtype=start.dtype, device=start.device)[None, :, None]
                * bin_size[:, None, None] + (step[None, None, :] + 0.5) * bin_size[:, None, None] / per_roi_grid)
    used = (step[None, None, :] < grid[:, None, None]) & (position >= -1.0) & (position <= size)
    position = position.clamp(min=0)
    low = position.floor().long()
    at_edge = low >= size - 1
    low = torch.where(at_edge, torch.full_like(low, size - 1), low)
    high = torch.where(at_edge, low, low + 1)
    position = torch.where(at_edge, low.to(start.dtype), position)
    high_weight = (position - low) * used
    low_weight = (1 - (position - low)) * used
    weights = torch.zeros(num_rois, bins, size, dtype=start.dtype, device=start.device)
    weights.scatter_add_(2, low, low_weight)
    weights.scatter_add_(2, high, high_weight)
    return weights / per_roi_grid


def _pool(feature_map: torch.Tensor, weights_y: torch.Tensor, weights_x: torch.Tensor) -> torch.Tensor:
    """``weights_y @ feature_map @ weights_x^T`` for each RoI: (C, H, W), (K, P, H), (K, Q, W) -> (K, C, P, Q).

    Rows first as one matrix product over all RoIs, then columns as a batched product per RoI.
    """
    channels, rows, columns = feature_map.shape
    num_rois, bins_y, _ = weights_y.shape
    by_rows = weights_y.reshape(-1, rows) @ feature_map.transpose(0, 1).reshape(rows, channels * columns)
    by_rows = by_rows.reshape(num_rois, bins_y * channels, columns)
    pooled = by_rows @ weights_x.transpose(1, 2)  # (K, P * C, Q)
    return pooled.reshape(num_rois, bins_y, channels, -1).transpose(1, 2)


@MODELS.register_module()
class SeparableRoIAlign(nn.Module):
    """mmcv's ``RoIAlign`` (average pooling) computed as two matrix products per RoI.

    The output equals ``mmcv.ops.RoIAlign`` with the same arguments (to float rounding), for any sampling ratio,
    both alignments, boxes crossing the map border and empty boxes. It uses more memory than mmcv's kernel
    (a (K, C, bins, W) intermediate), so it suits CPU training with small maps; the detector export treats it
    as RoIAlign.

    Args:
        output_size: Bins per RoI side.
        spatial_scale: Feature-map size over image size (1/16 for a stride-16 map).
        sampling_ratio: Sampling points per bin side; 0 takes ``ceil(RoI side / bins)`` per RoI as mmcv does.
        aligned: Shift box corners by half a feature pixel and allow boxes below one pixel (mmcv's default).
    """

    pool_mode = 'avg'

    def __init__(self, output_size: int | tuple[int, int], spatial_scale: float, sampling_ratio: int = 0,
                 aligned: bool = True) -> None:
        super().__init__()
        if sampling_ratio < 0:
            raise ValueError(f'sampling_ratio must be 0 (adaptive) or positive, got {sampling_ratio}')
        self.output_size = _pair(output_size)
        self.spatial_scale = float(spatial_scale)
        self.sampling_ratio = int(sampling_ratio)
        self.aligned = bool(aligned)

    def forward(self, features: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        """Pool ``rois`` (K, 5: batch index, x1, y1, x2, y2 in image pixels) from ``features`` (N, C, H, W).

        Returns:
            RoI features of shape (K, C, H_out, W_out).
        """
        rows, columns = features.shape[-2:]
        bins_y, bins_x = self.output_size
        rois = rois.to(features.dtype)
        offset = 0.5 if self.aligned else 0.0
        x1, y1, x2, y2 = (rois[:, 1:] * self.spatial_scale - offset).unbind(1)
        width, height = x2 - x1, y2 - y1
        if not self.aligned:
            width, height = width.clamp(min=1), height.clamp(min=1)
        if self.sampling_ratio > 0:
            grid_y = grid_x = torch.full_like(x1, self.sampling_ratio, dtype=torch.long)
        else:
            grid_y, grid_x = (height / bins_y).ceil().long(), (width / bins_x).ceil().long()
        weights_y = _axis_weights(y1, height, bins_y, grid_y, rows)
        weights_x = _axis_weights(x1, width, bins_x, grid_x, columns)
        if rois.shape[0] == 0:
            return features.new_zeros(0, features.shape[1], bins_y, bins_x)
        # Pool each run of RoIs from one image (MMDetection lists RoIs image by image) and join the runs in order.
        images, run_lengths = torch.unique_consecutive(rois[:, 0].long(), return_counts=True)
        run_lengths = run_lengths.tolist()
        runs = zip(images.tolist(), weights_y.split(run_lengths), weights_x.split(run_lengths), strict=True)
        return torch.cat([_pool(features[image], run_weights_y, run_weights_x)
                          for image, run_weights_y, run_weights_x in runs])

    def extra_repr(self) -> str:
        return (f'output_size={self.output_size}, spatial_scale={self.spatial_scale}, '
                f'sampling_ratio={self.sampling_ratio}, aligned={self.aligned}')
