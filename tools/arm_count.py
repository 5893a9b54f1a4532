"""Per-inference aarch64 instruction counts of exported models under emulation: ``shufflenet_det.armcount.cli``.

See ``python tools/arm_count.py --help``. The counts are emulated instructions of a CPU model, not times.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shufflenet_det.armcount.cli import main  # noqa: E402  (needs the checkout root on the path)

if __name__ == '__main__':
    sys.exit(main())
