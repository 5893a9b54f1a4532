"""NMS with an output cap and a score threshold in one ONNX node equals torchvision's and mmcv's NMS."""

import pytest
import torch
import torchvision
from mmcv.ops import batched_nms
from torch import nn

from shufflenet_det.deploy.detector import make_session
from shufflenet_det.export.nms_onnx import MASKED_SCORE, suppress, suppress_per_class


def random_boxes(count: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    corners = torch.rand(count, 2, generator=generator) * 200
    boxes = torch.cat([corners, corners + torch.rand(count, 2, generator=generator) * 60 + 1], dim=1)
    return boxes, torch.rand(count, generator=generator), torch.randint(0, 4, (count, ), generator=generator)


class Suppress(nn.Module):
    def __init__(self, max_kept: int, per_class: bool) -> None:
        super().__init__()
        self.max_kept, self.per_class = max_kept, per_class

    def forward(self, boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if self.per_class:
            return suppress_per_class(boxes, scores, labels, 0.5, self.max_kept)
        return suppress(boxes, torch.where(labels == 0, MASKED_SCORE, scores), 0.5, self.max_kept)


def expected(boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor, max_kept: int,
             per_class: bool) -> torch.Tensor:
    if per_class:
        if not len(boxes):  # mmcv's batched_nms cannot take no boxes
            return torch.zeros(0, dtype=torch.long)
        return batched_nms(boxes, scores, labels, dict(type='nms', iou_threshold=0.5))[1][:max_kept]
    candidates = torch.nonzero(labels != 0).squeeze(1)  # label 0 stands for boxes masked out
    return candidates[torchvision.ops.nms(boxes[candidates], scores[candidates], 0.5)[:max_kept]]


@pytest.mark.parametrize('per_class', [False, True])
def test_capped_nms_keeps_the_first_boxes_of_full_nms(per_class, tmp_path):
    module = Suppress(max_kept=20, per_class=per_class)
    path = tmp_path / 'nms.onnx'
    torch.onnx.export(module, random_boxes(50, 0), str(path), dynamo=False, opset_version=17,
                      input_names=['boxes', 'scores', 'labels'],
                      dynamic_axes={name: {0: 'n'} for name in ('boxes', 'scores', 'labels')})
    session = make_session(path, threads=1)
    for count, seed in ((300, 1), (12, 2), (0, 3)):
        boxes, scores, labels = random_boxes(count, seed)
        reference = expected(boxes, scores, labels, 20, per_class)
        assert torch.equal(module(boxes, scores, labels), reference)
        exported = session.run(None, {'boxes': boxes.numpy(), 'scores': scores.numpy(), 'labels': labels.numpy()})
        assert exported[0].tolist() == reference.tolist()
