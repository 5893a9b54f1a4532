"""Non-maximum suppression as one ONNX ``NonMaxSuppression`` node that uses the operator's own inputs.

torchvision's ``nms`` exports with no output cap and no score threshold, so the runtime suppresses every
candidate and the graph slices the result afterwards. Passing the cap lets the runtime stop once it has kept
enough boxes (greedy NMS keeps boxes in score order, so the first ``k`` kept are the same either way), and
passing a score threshold lets a mask replace the removal of boxes before the NMS.
"""

import torch
import torchvision
from torch import Tensor

#: Score given to candidates that must not be kept: every sigmoid or softmax score is above it, and
#: ``NonMaxSuppression`` keeps only scores strictly above its threshold.
MASKED_SCORE = -1.0


class NonMaxSuppression(torch.autograd.Function):
    """ONNX ``NonMaxSuppression`` for one image: PyTorch computes what the operator specifies, export emits it.

    Forward inputs: ``boxes`` (1, N, 4) as x1, y1, x2, y2; ``scores`` (1, C, N); the cap of kept boxes per
    class; the IoU threshold; the score threshold (kept scores are strictly above it). Output: (K, 3) int64 rows
    (0, class, box index), class by class, each class's boxes in decreasing score.
    """

    @staticmethod
    def forward(ctx, boxes: Tensor, scores: Tensor, max_per_class: int, iou_threshold: float,
                score_threshold: float) -> Tensor:
        rows = []
        for label in range(scores.shape[1]):
            candidates = torch.nonzero(scores[0, label] > score_threshold).squeeze(1)
            kept = candidates[torchvision.ops.nms(boxes[0, candidates], scores[0, label, candidates],
                                                  iou_threshold)[:max_per_class]]
            rows.append(torch.stack([torch.zeros_like(kept), torch.full_like(kept, label), kept], dim=1))
        return torch.cat(rows)

    @staticmethod
    def symbolic(g, boxes, scores, max_per_class: int, iou_threshold: float, score_threshold: float):
        def constant(value, dtype):
            return g.op('Constant', value_t=torch.tensor([value], dtype=dtype))

        return g.op('NonMaxSuppression', boxes, scores, constant(max_per_class, torch.int64),
                    constant(iou_threshold, torch.float32), constant(score_threshold, torch.float32))


def suppress(boxes: Tensor, scores: Tensor, iou_threshold: float, max_kept: int,
             score_threshold: float = MASKED_SCORE) -> Tensor:
    """Indices of the boxes greedy NMS keeps, in decreasing score, at most ``max_kept``.

    Args:
        boxes: (N, 4) boxes x1, y1, x2, y2.
        scores: (N,) scores; only those above ``score_threshold`` take part.
        iou_threshold: A box is suppressed by a kept one when their IoU exceeds this.
        max_kept: The runtime stops after keeping this many.
        score_threshold: Scores at or below it are dropped before suppression.
    """
    selected = NonMaxSuppression.apply(boxes[None], scores[None, None], max_kept, iou_threshold, score_threshold)
    return selected[:, 2]


def suppress_per_class(boxes: Tensor, scores: Tensor, labels: Tensor, iou_threshold: float,
                       max_kept: int) -> Tensor:
    """Class-aware NMS in one node: indices of the kept boxes in decreasing score, at most ``max_kept``.

    Each class's boxes are offset apart so that boxes of different classes never overlap, as mmcv's
    ``batched_nms`` does below its split threshold (MMDetection's own test-time path). The operator's class axis
    would need a (classes, boxes) score matrix, a scan of every box per class and a sort of the kept boxes
    afterwards; the offsets let the runtime stop at ``max_kept``.

    Args:
        boxes: (N, 4) boxes x1, y1, x2, y2.
        scores: (N,) scores, all above :data:`MASKED_SCORE`.
        labels: (N,) class of each box.
        iou_threshold: A box is suppressed by a kept box of its class when their IoU exceeds this.
        max_kept: The runtime stops after keeping this many.
    """
    largest_coordinate = torch.cat([boxes.reshape(-1), boxes.new_zeros(1)]).max()  # 0 when there are no boxes
    offsets = labels.to(boxes.dtype) * (largest_coordinate + 1)
    return suppress(boxes + offsets[:, None], scores, iou_threshold, max_kept)
