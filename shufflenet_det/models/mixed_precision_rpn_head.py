"""An RPN head whose proposals are selected in float32, so that mixed-precision (``--amp``) training works."""

from mmdet.models.dense_heads import RPNHead
from mmdet.registry import MODELS
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData


@MODELS.register_module()
class MixedPrecisionRPNHead(RPNHead):
    """mmdet's ``RPNHead``, with the candidate boxes and their scores cast to float32 before NMS.

    Under CUDA autocast the objectness scores are float16 and the decoded boxes float32 (or float16, depending
    on which decoding ops autocast runs in float32). With more than 10,000 candidates (the C4 layout keeps
    12,000 before NMS in training) mmcv's ``batched_nms`` writes the float32 scores that NMS returns into a
    float16 tensor, which torch refuses ("Index put requires the source and destination dtypes match"); mmcv's
    CPU NMS takes float32 only. In float32 training the casts change nothing.
    """

    def _bbox_post_process(self, results: InstanceData, cfg: ConfigDict, rescale: bool = False,
                           with_nms: bool = True, img_meta: dict | None = None) -> InstanceData:
        results.bboxes = results.bboxes.float()
        results.scores = results.scores.float()
        return super()._bbox_post_process(results, cfg, rescale=rescale, with_nms=with_nms, img_meta=img_meta)
