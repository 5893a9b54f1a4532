"""ONNX Runtime vs MNN vs ncnn on exported models (parity and x86 latency): ``shufflenet_det.deploy.runtime_compare``.

See ``python tools/compare_runtimes.py --help``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shufflenet_det.deploy.runtime_compare import main  # noqa: E402  (needs the checkout root on the path)

if __name__ == '__main__':
    sys.exit(main())
