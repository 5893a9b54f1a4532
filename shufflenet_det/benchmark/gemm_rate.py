"""The machine's fp32 matrix-multiply rate in ONNX Runtime: the yardstick a model's mult-adds per second are read
against, measured in the same run (figures from different runs or machines do not compare)."""

from dataclasses import asdict, dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper

from ..deploy.detector import make_session
from ..deploy.spec import OPSET
from ..deploy.timing import time_runs

#: Side of the square matrices multiplied: large enough that the multiply, not the call, is timed.
GEMM_SIDE = 2048


@dataclass(frozen=True)
class GemmRate:
    """A timed square ``MatMul`` in ONNX Runtime.

    Attributes:
        side: Rows = columns = inner size of the matrices.
        threads: Intra-op threads of the session.
        median_ms: Median time of one multiply.
        gmacs_per_s: Multiply-accumulates per second at the median time, in billions.
        best_gmacs_per_s: The same at the fastest run (on a busy machine, waiting for a core only adds time).
    """

    side: int
    threads: int
    median_ms: float
    gmacs_per_s: float
    best_gmacs_per_s: float

    def share(self, mult_adds: float, milliseconds: float) -> float:
        """Fraction of this rate that ``mult_adds`` done in ``milliseconds`` reach."""
        return mult_adds / (milliseconds * 1e-3) / (self.gmacs_per_s * 1e9)

    def describe(self) -> str:
        """One line: the rate and how it was taken."""
        return (f'fp32 GEMM rate: {self.gmacs_per_s:.1f} GMAC/s ({self.side}^3 MatMul in ONNX Runtime, '
                f'{self.threads} thread(s), median {self.median_ms:.1f} ms)')

    def to_dict(self) -> dict:
        """The measurement as plain data (for JSON)."""
        return asdict(self)


def matmul_model(side: int) -> onnx.ModelProto:
    """An ONNX model multiplying its input ``a`` (side x side) by a constant matrix of the same size."""
    weight = np.random.default_rng(0).standard_normal((side, side), dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node('MatMul', ['a', 'b'], ['c'])], 'gemm_rate',
        [helper.make_tensor_value_info('a', TensorProto.FLOAT, [side, side])],
        [helper.make_tensor_value_info('c', TensorProto.FLOAT, [side, side])],
        initializer=[onnx.numpy_helper.from_array(weight, 'b')])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)])


def measure_gemm_rate(threads: int, side: int = GEMM_SIDE, warmup: int = 2, runs: int = 5) -> GemmRate:
    """Time a ``side``-cubed fp32 ``MatMul`` in an ONNX Runtime session with ``threads`` intra-op threads."""
    session = make_session(matmul_model(side).SerializeToString(), threads)
    feed = {'a': np.random.default_rng(1).standard_normal((side, side), dtype=np.float32)}
    stats = time_runs(lambda: session.run(None, feed), warmup, runs)
    return GemmRate(side=side, threads=threads, median_ms=stats.median_ms,
                    gmacs_per_s=side ** 3 / (stats.median_ms * 1e-3) / 1e9,
                    best_gmacs_per_s=side ** 3 / (stats.min_ms * 1e-3) / 1e9)
