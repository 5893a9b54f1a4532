"""MixedPrecisionRPNHead: proposals from float16 objectness scores (what CUDA autocast gives the RPN)."""

import copy

import pytest
import torch
from mmdet.models.dense_heads import RPNHead
from mmdet.registry import MODELS
from mmengine.config import Config

from shufflenet_det.models import MixedPrecisionRPNHead

ROOT_CONFIG = 'configs/frcnn_shufflenet_1x.py'
IMAGE_SHAPE = (600, 800)  # a COCO image at scale 600: a 38 x 50 stride-16 map


def autocast_outputs(head: RPNHead) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Objectness logits and box deltas of one image in float16, as the RPN's convolutions give them under AMP."""
    generator = torch.Generator().manual_seed(0)
    height, width = (side // 16 + (side % 16 > 0) for side in IMAGE_SHAPE)
    logits = torch.randn(1, head.num_base_priors, height, width, generator=generator)
    deltas = 0.1 * torch.randn(1, 4 * head.num_base_priors, height, width, generator=generator)
    return [logits.half()], [deltas.half()]


def proposals(head: RPNHead, cfg: Config):
    cls_scores, bbox_preds = autocast_outputs(head)
    metas = [dict(img_shape=IMAGE_SHAPE, scale_factor=(1.0, 1.0))]
    with torch.no_grad():
        return head.predict_by_feat(cls_scores, bbox_preds, batch_img_metas=metas,
                                    cfg=cfg.model.train_cfg.rpn_proposal, rescale=False)[0]


@pytest.fixture(scope='module')
def c4_config_and_head() -> tuple[Config, RPNHead]:
    cfg = Config.fromfile(ROOT_CONFIG)
    return cfg, MODELS.build(cfg.model).rpn_head


def test_the_c4_detector_selects_proposals_from_float16_scores(c4_config_and_head):
    cfg, head = c4_config_and_head
    assert isinstance(head, MixedPrecisionRPNHead)
    # More candidates than batched_nms handles in one call: the path that failed under AMP on a GPU.
    assert cfg.model.train_cfg.rpn_proposal.nms_pre > 10000
    result = proposals(head, cfg)
    assert result.scores.dtype == torch.float32 and result.bboxes.dtype == torch.float32
    assert len(result) == cfg.model.train_cfg.rpn_proposal.max_per_img
    assert result.bboxes[:, 2].max() <= IMAGE_SHAPE[1] and result.bboxes[:, 3].max() <= IMAGE_SHAPE[0]


def test_mmdets_rpn_head_fails_on_the_same_float16_scores(c4_config_and_head):
    cfg, head = c4_config_and_head
    plain = copy.deepcopy(head)
    plain.__class__ = RPNHead  # the same layers and settings, with mmdet's own post-processing
    with pytest.raises(RuntimeError, match='Half'):
        proposals(plain, cfg)
