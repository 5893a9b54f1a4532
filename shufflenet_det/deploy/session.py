"""The ONNX Runtime session every part of the project runs exported graphs in: CPU, fixed threads, sequential."""

from pathlib import Path

import onnxruntime as ort


def make_session(model_path: str | Path | bytes, threads: int,
                 profile_prefix: str | Path | None = None) -> ort.InferenceSession:
    """A CPU session with ``threads`` intra-op threads, one inter-op thread and sequential execution.

    Args:
        model_path: The ONNX model's file, or the serialised model.
        threads: Intra-op threads (1 is the paper's single-core setting).
        profile_prefix: When given, ONNX Runtime writes a per-node profile whose file name starts with it.
    """
    if threads < 1:
        raise ValueError(f'threads must be >= 1, got {threads}')
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if profile_prefix is not None:
        options.enable_profiling = True
        options.profile_file_prefix = str(profile_prefix)
    model = model_path if isinstance(model_path, bytes) else str(model_path)
    return ort.InferenceSession(model, options, providers=['CPUExecutionProvider'])
