"""Per-category time of an ONNX Runtime inference, from ONNX Runtime's own node profile.

Nodes are sorted by operator type, the input shapes the profile records (a convolution's groups and kernel
come from its input and weight shapes, which also covers convolutions ONNX Runtime rewrote into its blocked
layout) and the scope in the node name, which the TorchScript exporter takes from the module path
(``/backbone/stage2/stage2.0/compress/conv/Conv``).
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from ...deploy.detector import make_session
from ...export.ps_roi_align_onnx import PS_ROI_ALIGN_SCOPE
from ..rows import ModelKind
from . import categories as cat
from .table import Breakdown, accumulate

CONV_OPS = ('Conv', 'FusedConv', 'NchwcConv')
GEMM_OPS = ('Gemm', 'FusedGemm', 'MatMul', 'FusedMatMul')
ACTIVATION_OPS = ('Relu', 'Clip', 'HardSwish', 'HardSigmoid', 'Sigmoid', 'LeakyRelu', 'Gelu')
POOL_OPS = ('MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'NchwcMaxPool', 'NchwcAveragePool')
LAYOUT_OPS = ('ReorderInput', 'ReorderOutput')
SHUFFLE_OPS = ('Transpose', 'Reshape')
#: Ops ONNX Runtime fuses into a preceding convolution, naming the fused node after their output.
FUSED_INTO_CONV = ('Relu', 'Clip', 'Add', 'Sum', 'HardSigmoid', 'Sigmoid', 'LeakyRelu')
#: Suffix ONNX Runtime gives convolutions it rewrites into its blocked (NCHWc) layout.
NCHWC_SUFFIX = '_nchwc'
#: Prefix ONNX Runtime gives a node it fused with the next (``fused /shared_fcs.0/Gemm`` for Gemm + Relu).
FUSED_PREFIX = 'fused '


@dataclass(frozen=True)
class NodeEvent:
    """One node's execution in an ONNX Runtime profile."""

    name: str
    op: str
    start_us: int
    duration_us: int
    input_shapes: tuple[tuple[str, tuple[int, ...]], ...]
    output_shapes: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def exported_name(self) -> str:
        """The exporter's name of the node (ONNX Runtime's fusion prefix removed)."""
        return self.name.removeprefix(FUSED_PREFIX)

    @property
    def scope(self) -> list[str]:
        """Scope components of the node name (``/backbone/stage2/stage2.0/Reshape`` -> backbone, stage2, ...)."""
        return scope_of(self.exported_name)

    @property
    def added_by_runtime(self) -> bool:
        """Whether ONNX Runtime created this node (the exporter's names start with ``/``)."""
        return not self.exported_name.startswith('/')


def scope_of(node_name: str) -> list[str]:
    """Scope components of an exported node name, without the node's own name."""
    return [part for part in node_name.split('/')[:-1] if part]


def original_node_names(model_path: str | Path) -> dict[str, str]:
    """For each tensor of the exported graph, the node that produced it, looking through fused activations/adds.

    ONNX Runtime renames a convolution it fuses with the following activation (or add) and rewrites into its
    blocked layout to ``<output tensor of the last fused op>_nchwc``; this map leads back to the convolution.
    """
    graph = onnx.load(str(model_path), load_external_data=False).graph
    producers = {output: node for node in graph.node for output in node.output}
    names = {}
    for tensor, node in producers.items():
        while node.op_type in FUSED_INTO_CONV and node.input and node.input[0] in producers:
            node = producers[node.input[0]]
        names[tensor] = node.name
    return names


def assign_scopes(nodes: list[NodeEvent], tensor_producers: dict[str, str]) -> list[list[str]]:
    """The scope of each node of one run, in order.

    Renamed blocked-layout convolutions get their original node's scope; nodes ONNX Runtime added (layout
    reorders) get the scope of the node they feed (``ReorderInput``) or follow (others).
    """
    scopes: list[list[str] | None] = []
    for node in nodes:
        if node.name.endswith(NCHWC_SUFFIX) and node.name.removesuffix(NCHWC_SUFFIX) in tensor_producers:
            scopes.append(scope_of(tensor_producers[node.name.removesuffix(NCHWC_SUFFIX)]))
        else:
            scopes.append(None if node.added_by_runtime else node.scope)
    for index, node in enumerate(nodes):
        if scopes[index] is None:
            step = 1 if node.op == 'ReorderInput' else -1
            neighbour = index + step
            while 0 <= neighbour < len(nodes) and scopes[neighbour] is None:
                neighbour += step
            scopes[index] = scopes[neighbour] if 0 <= neighbour < len(nodes) else []
    return scopes


def _shapes(entries: list[dict]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return tuple((dtype, tuple(shape)) for entry in entries for dtype, shape in entry.items())


def read_profile(path: str | Path) -> tuple[list[tuple[int, int]], list[NodeEvent]]:
    """Runs (start, duration in microseconds) and node events of an ONNX Runtime profile JSON file."""
    events = json.loads(Path(path).read_text())
    runs = [(event['ts'], event['dur']) for event in events
            if event.get('cat') == 'Session' and event.get('name') == 'model_run']
    nodes = [NodeEvent(name=event['name'].removesuffix('_kernel_time'), op=event['args'].get('op_name', '?'),
                       start_us=event['ts'], duration_us=event['dur'],
                       input_shapes=_shapes(event['args'].get('input_type_shape', [])),
                       output_shapes=_shapes(event['args'].get('output_type_shape', [])))
             for event in events if event.get('cat') == 'Node' and event['name'].endswith('_kernel_time')]
    return runs, nodes


def node_op(node: NodeEvent, scope: list[str]) -> str:
    """Operation category of one profiled node whose scope is ``scope``."""
    if node.op in CONV_OPS and len(node.input_shapes) >= 2 and len(node.input_shapes[1][1]) >= 3:
        return cat.conv_category(node.input_shapes[0][1][1], node.input_shapes[1][1])
    if node.op in GEMM_OPS:
        return cat.FULLY_CONNECTED
    if node.op == 'BatchNormalization':
        return cat.BATCH_NORM
    if node.op in ACTIVATION_OPS:
        return cat.ACTIVATION
    if node.op in POOL_OPS:
        return cat.POOLING
    if node.op == 'RoiAlign':
        return cat.ROI_ALIGN
    if node.op == 'NonMaxSuppression':
        return cat.NMS
    if node.op in LAYOUT_OPS:
        return cat.LAYOUT_REORDER
    if cat.in_shuffle_unit(scope):
        shape_glue = bool(node.input_shapes) and node.input_shapes[0][0] != 'float'
        if node.op in SHUFFLE_OPS or shape_glue:
            return cat.CHANNEL_SHUFFLE
    return cat.OTHER


def nodes_in_runs(runs: list[tuple[int, int]], nodes: list[NodeEvent]) -> list[list[NodeEvent]]:
    """The node events of each of ``runs`` (start, duration), in the order of ``runs``."""
    return [[node for node in nodes if start <= node.start_us <= start + length] for start, length in runs]


def profile_session(path: str | Path, feed: dict[str, np.ndarray], threads: int, warmup: int, runs: int,
                    profile_dir: str | Path) -> tuple[list[tuple[int, int]], list[list[NodeEvent]]]:
    """Run ``path`` ``warmup + runs`` times with profiling; return the last ``runs`` runs and the nodes of each."""
    Path(profile_dir).mkdir(parents=True, exist_ok=True)
    session = make_session(path, threads, profile_prefix=Path(profile_dir) / Path(path).stem)
    for _ in range(warmup + runs):
        session.run(None, feed)
    profile = session.end_profiling()
    all_runs, nodes = read_profile(profile)
    timed = all_runs[-runs:]
    return timed, nodes_in_runs(timed, nodes)


def roi_count(nodes: list[NodeEvent]) -> int:
    """RoIs of one run: the first output dimension of every ``RoiAlign`` node, summed (FPN levels included).

    Position-sensitive pooling (nodes under :data:`PS_ROI_ALIGN_SCOPE`) runs its ``RoiAlign`` on every bin of
    every RoI; its RoIs are the first dimension of the pooling's last output instead.
    """
    plain = [node for node in nodes if node.op == 'RoiAlign' and node.output_shapes
             and PS_ROI_ALIGN_SCOPE not in node.scope]
    position_sensitive = [node for node in nodes if PS_ROI_ALIGN_SCOPE in node.scope and node.output_shapes]
    count = sum(node.output_shapes[0][1][0] for node in plain)
    return count + (position_sensitive[-1].output_shapes[0][1][0] if position_sensitive else 0)


def onnx_breakdown(path: str | Path, feed: dict[str, np.ndarray], threads: int, kind: ModelKind, name: str,
                   input_label: str, warmup: int, runs: int, profile_dir: str | Path) -> Breakdown:
    """Profile the ONNX model ``path`` and split one run's time by category.

    Time between nodes (the runtime's own scheduling and allocation) is its own category, so the categories
    add up to the whole ``session.run``.

    Args:
        path: The ONNX model.
        feed: Its inputs.
        threads: Intra-op threads.
        kind: Classifier or detector.(decides the parts).
        name: Display name of the model.
        input_label: ``HxW`` of the input.
        warmup: Untimed runs first.
        runs: Profiled runs.
        profile_dir: Where ONNX Runtime writes its profile JSON.
    """
    timed, nodes_per_run = profile_session(path, feed, threads, warmup, runs, profile_dir)
    producers = original_node_names(path)
    per_run = []
    for (_, length_us), nodes in zip(timed, nodes_per_run, strict=True):
        records = []
        for node, scope in zip(nodes, assign_scopes(nodes, producers), strict=True):
            op = node_op(node, scope)
            records.append((cat.part_of(scope, kind, op), op, node.duration_us / 1e3))
        overhead = length_us / 1e3 - sum(ms for _, _, ms in records)
        records.append((cat.PART_OVERHEAD, cat.RUNTIME_OVERHEAD, max(overhead, 0.0)))
        per_run.append(records)
    by_op, by_part = accumulate(per_run)
    return Breakdown(model=name, input_label=input_label, runtime='ONNX Runtime', runs=runs, by_op=by_op,
                     by_part=by_part, notes=['ONNX Runtime fuses BN into convolutions and often the following '
                                             'activation too: their time counts under the convolution',
                                             'layout reorders ONNX Runtime inserts count in the part of the node '
                                             'they feed or follow'])
