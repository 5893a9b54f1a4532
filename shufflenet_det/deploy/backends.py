"""One inference interface over ONNX Runtime, MNN and ncnn: load a model, run a float32 NCHW tensor.

Each runtime is imported only when used, so a device installs only the one it runs (extras ``deploy``,
``mnn``, ``ncnn``). MNN and ncnn load their own converted files (:mod:`.conversion` writes them).
"""

import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import ShufflenetDetError

#: Runtimes by their command-line name, with the pip extra that installs each.
RUNTIMES = {'onnxruntime': 'deploy', 'mnn': 'mnn', 'ncnn': 'ncnn'}
#: The distribution whose version names each runtime.
DISTRIBUTIONS = {'onnxruntime': 'onnxruntime', 'mnn': 'MNN', 'ncnn': 'ncnn'}


class RuntimeMissingError(ShufflenetDetError, ImportError):
    """A runtime whose Python package is not installed."""


def import_runtime(runtime: str) -> object:
    """The runtime's Python module.

    Raises:
        RuntimeMissingError: Naming the pip extra that installs it.
        ValueError: For a runtime not in :data:`RUNTIMES`.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f'unknown runtime {runtime!r}; choose from {", ".join(RUNTIMES)}')
    module = {'onnxruntime': 'onnxruntime', 'mnn': 'MNN', 'ncnn': 'ncnn'}[runtime]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise RuntimeMissingError(f'runtime {runtime} is not installed: pip install '
                                  f"'shufflenet-det[{RUNTIMES[runtime]}]'") from None


def runtime_version(runtime: str) -> str:
    """The installed version of ``runtime``."""
    module = import_runtime(runtime)
    if runtime == 'mnn':
        return module.version()
    return module.__version__


@dataclass
class OnnxRuntimeModel:
    """An ONNX model in ONNX Runtime (CPU, ``threads`` intra-op threads, sequential)."""

    path: Path
    threads: int = 1

    def __post_init__(self) -> None:
        from .session import make_session

        self.session = make_session(self.path, self.threads)
        self.input_name = self.session.get_inputs()[0].name

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        """All outputs of one inference on ``tensor``."""
        return self.session.run(None, {self.input_name: tensor})


@dataclass
class MnnModel:
    """An ``.mnn`` model in MNN's module API (CPU, fp32 precision, ``threads`` threads).

    The module API runs graphs whose shapes depend on computed values (a detector's proposal count), which
    MNN's session API refuses; inputs and outputs keep the ONNX model's order.
    """

    path: Path
    threads: int = 1

    def __post_init__(self) -> None:
        mnn = import_runtime('mnn')
        import MNN.expr
        import MNN.nn

        self.expr = MNN.expr
        manager = MNN.nn.create_runtime_manager(({'backend': 'CPU', 'numThread': self.threads,
                                                  'precision': 'high'},))
        self.module = MNN.nn.load_module_from_file(str(self.path), [], [], runtime_manager=manager)
        self.version = mnn.version()

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        """All outputs of one inference on ``tensor``."""
        outputs = self.module.forward([self.expr.const(np.ascontiguousarray(tensor), list(tensor.shape),
                                                       self.expr.NCHW)])
        return [np.array(output.read()) for output in outputs]


def ncnn_blobs(param_path: Path) -> tuple[list[str], list[str]]:
    """Input blobs (of ``Input`` layers) and output blobs (produced, never consumed) of an ncnn ``.param``."""
    inputs, produced, consumed = [], [], set()
    for line in Path(param_path).read_text().splitlines()[2:]:
        parts = line.split()
        if len(parts) < 4:
            continue
        layer_type, bottoms, tops = parts[0], int(parts[2]), int(parts[3])
        names = parts[4:4 + bottoms + tops]
        consumed.update(names[:bottoms])
        produced += names[bottoms:]
        if layer_type == 'Input':
            inputs += names[bottoms:]
    return inputs, [name for name in produced if name not in consumed]


def ncnn_missing_layers(param_path: Path) -> list[str]:
    """Layer types of an ncnn ``.param`` that the installed ncnn has no implementation of."""
    ncnn = import_runtime('ncnn')
    types = {line.split()[0] for line in Path(param_path).read_text().splitlines()[2:] if line.split()}
    return sorted(name for name in types if ncnn.layer_to_index(name) < 0)


@dataclass
class NcnnModel:
    """An ncnn ``.ncnn.param`` (with its ``.ncnn.bin``) in ncnn, fp32 throughout, ``threads`` threads."""

    path: Path
    threads: int = 1

    def __post_init__(self) -> None:
        ncnn = import_runtime('ncnn')
        self.ncnn = ncnn
        self.net = ncnn.Net()
        options = self.net.opt
        options.num_threads = self.threads
        # fp32 as in the other runtimes: ARMv8.2 cores would otherwise compute in fp16
        options.use_fp16_storage = options.use_fp16_arithmetic = options.use_fp16_packed = False
        options.use_bf16_storage = False
        param = Path(self.path)
        missing = ncnn_missing_layers(param)
        if missing:
            raise ValueError(f'ncnn {ncnn.__version__} has no layer for {", ".join(missing)} in {param}; this model '
                             'does not run in ncnn (the exported detectors need NMS and RoIAlign, which ncnn lacks)')
        self.net.load_param(str(param))
        self.net.load_model(str(param.with_suffix('.bin')))
        self.inputs, self.outputs = ncnn_blobs(param)

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        """All outputs of one inference on a batch-1 ``tensor`` (ncnn has no batch axis: it is added back)."""
        if tensor.shape[0] != 1:
            raise ValueError(f'ncnn runs batch 1; got input shape {tensor.shape}')
        with self.net.create_extractor() as extractor:
            extractor.input(self.inputs[0], self.ncnn.Mat(np.ascontiguousarray(tensor[0])).clone())
            return [np.array(extractor.extract(name)[1])[None] for name in self.outputs]


def open_model(runtime: str, path: str | Path, threads: int = 1) -> OnnxRuntimeModel | MnnModel | NcnnModel:
    """Load ``path`` in ``runtime`` with ``threads`` threads.

    Raises:
        RuntimeMissingError: If the runtime is not installed.
        FileNotFoundError: If the model file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'model {path} not found')
    import_runtime(runtime)
    return {'onnxruntime': OnnxRuntimeModel, 'mnn': MnnModel, 'ncnn': NcnnModel}[runtime](path, threads)
