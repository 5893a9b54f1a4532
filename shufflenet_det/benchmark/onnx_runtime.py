"""ONNX Runtime sessions set up the way the sweep compares runtimes: fixed threads, sequential execution.

Sessions come from the device runner's :func:`~shufflenet_det.deploy.runner.make_session`, so the sweep times
exactly what runs on a device; this module only runs them.
"""

from collections.abc import Callable

import numpy as np
import onnxruntime as ort


def session_runner(session: ort.InferenceSession, feed: dict[str, np.ndarray]) -> Callable[[], list]:
    """A no-argument call running ``session`` on ``feed`` (what :func:`~.timing.time_callable` times)."""

    def run() -> list:
        return session.run(None, feed)

    return run
