"""COCO mAP of an exported detector (onnxruntime, numpy, Pillow, pycocotools): ``shufflenet_det.deploy.evaluate``.

Runs from a checkout or from a copy holding just ``tools/test_onnx.py``, ``shufflenet_det/__init__.py`` and
``shufflenet_det/deploy/``; see ``python tools/test_onnx.py --help``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shufflenet_det.deploy.evaluate import main  # noqa: E402  (needs the checkout root on the path)

if __name__ == '__main__':
    sys.exit(main())
