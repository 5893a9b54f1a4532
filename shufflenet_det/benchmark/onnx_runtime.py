"""ONNX Runtime sessions set up the way the sweep compares runtimes: fixed threads, sequential execution."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime as ort


def make_session(path: str | Path, threads: int, profile_prefix: str | Path | None = None) -> ort.InferenceSession:
    """A CPU session with ``threads`` intra-op threads, one inter-op thread and sequential execution.

    Args:
        path: The ONNX model.
        threads: Intra-op threads (1 is the paper's single-core setting).
        profile_prefix: When given, ONNX Runtime writes a per-node profile whose file name starts with it.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if profile_prefix is not None:
        options.enable_profiling = True
        options.profile_file_prefix = str(profile_prefix)
    return ort.InferenceSession(str(path), options, providers=['CPUExecutionProvider'])


def session_runner(session: ort.InferenceSession, feed: dict[str, np.ndarray]) -> Callable[[], list]:
    """A no-argument call running ``session`` on ``feed`` (what :func:`~.timing.time_callable` times)."""

    def run() -> list:
        return session.run(None, feed)

    return run
