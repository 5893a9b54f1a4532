"""Device benchmark of an exported detector (onnxruntime + numpy only): ``shufflenet_det.deploy.bench`` as a script.

Runs from a checkout without installing it; an installed project has the same program as ``shufflenet-det-bench``
(see ``python tools/bench_onnx.py --help`` and docs/arm.md).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shufflenet_det.deploy.bench import main  # noqa: E402  (needs the checkout root on the path)

if __name__ == '__main__':
    sys.exit(main())
