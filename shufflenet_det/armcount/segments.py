"""A model cut at node boundaries into one-node segments (an activation stays with the node it follows).

Counting every segment in one process, with a mark between segments, attributes the instructions of one
inference to operators. ONNX Runtime first simplifies the graph (constant folding, batch-norm folding: the
``basic`` level, which is the same on every CPU), so shape arithmetic it would fold away is not counted. Each
segment runs as its own session, so fusions across segments are lost and every segment pays a session call:
the sum of the segments is compared with the whole model's count to show that difference.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnx

#: Activations counted with the node they follow (ONNX Runtime fuses them into it).
FOLLOWERS = ('Relu', 'Clip', 'Sigmoid')


@dataclass
class Segment:
    """One segment: its file, the tensors it reads and writes, its operator(s), and its mult-adds."""

    path: str
    inputs: list[str]
    outputs: list[str]
    op_type: str
    name: str
    mult_adds: int


def simplified(model_path: Path, out: Path) -> Path:
    """The model after ONNX Runtime's basic graph optimisations, saved at ``out``."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(out)
    ort.InferenceSession(str(model_path), options, providers=['CPUExecutionProvider'])
    return out


def all_values(model: 'onnx.ModelProto', tensor: np.ndarray) -> dict[str, np.ndarray]:
    """Every intermediate tensor of ``model`` on ``tensor`` (each node output made a graph output)."""
    import onnx
    import onnxruntime as ort

    exposed = onnx.ModelProto()
    exposed.CopyFrom(model)
    known = {output.name for output in exposed.graph.output}
    for node in exposed.graph.node:
        for name in node.output:
            if name and name not in known:
                exposed.graph.output.append(onnx.ValueInfoProto(name=name))
                known.add(name)
    session = ort.InferenceSession(exposed.SerializeToString(), providers=['CPUExecutionProvider'])
    names = [output.name for output in session.get_outputs()]
    values = dict(zip(names, session.run(names, {model.graph.input[0].name: tensor}), strict=True))
    values[model.graph.input[0].name] = tensor
    return values


def mult_adds(node: 'onnx.NodeProto', values: dict[str, np.ndarray], weights: dict[str, np.ndarray]) -> int:
    """Mult-adds of a Conv, Gemm or MatMul node (0 for other operators)."""
    if node.op_type == 'Conv':
        weight = weights[node.input[1]]
        return int(values[node.output[0]].size * np.prod(weight.shape[1:]))
    if node.op_type in ('Gemm', 'MatMul'):
        first = values[node.input[0]] if node.input[0] in values else weights[node.input[0]]
        return int(values[node.output[0]].size * first.shape[-1])
    return 0


def operator_label(node: 'onnx.NodeProto', weights: dict[str, np.ndarray]) -> str:
    """The node's operator type; convolutions also say their kernel and grouping (dense, grouped, depthwise)."""
    if node.op_type != 'Conv' or node.input[1] not in weights:
        return node.op_type
    out_channels, in_per_group, height, width = weights[node.input[1]].shape
    group = next((attribute.i for attribute in node.attribute if attribute.name == 'group'), 1)
    kind = 'depthwise' if group > 1 and in_per_group == 1 else (f'g={group}' if group > 1 else 'dense')
    return f'Conv {height}x{width} {kind}'


def split_model(model_path: Path, tensor: np.ndarray, folder: Path) -> Path:
    """Cut ``model_path`` into segments in ``folder``; return the manifest (``segments.json``).

    The folder also gets ``values.npz``: every tensor a segment reads, computed on this machine.
    """
    import onnx
    from onnx import helper

    folder.mkdir(parents=True, exist_ok=True)
    model = onnx.load(str(simplified(model_path, folder / 'simplified.onnx')))
    graph = model.graph
    weights = {initializer.name: onnx.numpy_helper.to_array(initializer) for initializer in graph.initializer}
    values = all_values(model, tensor)
    consumers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            consumers[name] = consumers.get(name, 0) + 1
    groups, nodes = [], list(graph.node)
    for node in nodes:
        follows = (groups and node.op_type in FOLLOWERS and len(groups[-1][-1].output) == 1
                   and node.input[0] == groups[-1][-1].output[0] and consumers[node.input[0]] == 1)
        if follows:
            groups[-1].append(node)
        else:
            groups.append([node])
    segments, needed = [], set()
    for index, group in enumerate(groups):
        produced = {name for node in group for name in node.output}
        inputs = list(dict.fromkeys(name for node in group for name in node.input
                                    if name and name not in weights and name not in produced))
        outputs = list(group[-1].output)
        initializers = [onnx.numpy_helper.from_array(weights[name], name) for name in dict.fromkeys(
            name for node in group for name in node.input if name in weights)]
        segment_graph = helper.make_graph(
            group, f'segment_{index}',
            [helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(values[name].dtype),
                                           values[name].shape) for name in inputs],
            [helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(values[name].dtype),
                                           values[name].shape) for name in outputs], initializers)
        segment = helper.make_model(segment_graph, opset_imports=model.opset_import, ir_version=model.ir_version)
        path = folder / f'segment_{index:04d}.onnx'
        onnx.save(segment, str(path))
        needed.update(inputs)
        segments.append(Segment(path=str(path.resolve()), inputs=inputs, outputs=outputs,
                                op_type='+'.join(operator_label(node, weights) for node in group),
                                name=group[0].name, mult_adds=sum(mult_adds(node, values, weights) for node in group)))
    call = helper.make_model(helper.make_graph(
        [helper.make_node('Identity', ['x'], ['y'])], 'session_call',
        [helper.make_tensor_value_info('x', onnx.TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info('y', onnx.TensorProto.FLOAT, [1])]),
        opset_imports=model.opset_import, ir_version=model.ir_version)
    onnx.save(call, str(folder / 'session_call.onnx'))
    np.savez(folder / 'values.npz', **{f'v{index}': values[name] for index, name in enumerate(sorted(needed))})
    manifest = folder / 'segments.json'
    manifest.write_text(json.dumps({'session_call': str((folder / 'session_call.onnx').resolve()),
                                    'values': {name: f'v{index}' for index, name in enumerate(sorted(needed))},
                                    'segments': [asdict(segment) for segment in segments]}, indent=1))
    return manifest


def operator_breakdown(manifest: Path, marks: list[int]) -> dict:
    """Instructions per segment and per operator type from the marks of a segment run.

    ``marks``: two marks (their difference is a mark's own cost, subtracted from every segment), a mark after
    an empty session call (an Identity of one value: the cost of calling a session, reported apart), then one
    after each segment. A segment's instructions include its session call.
    """
    segments = json.loads(Path(manifest).read_text())['segments']
    if len(marks) != len(segments) + 3:
        raise ValueError(f'{len(marks)} marks for {len(segments)} segments; expected {len(segments) + 3}')
    mark_cost = marks[1] - marks[0]
    call_cost = marks[2] - marks[1] - mark_cost
    rows = [{'name': segment['name'], 'op_type': segment['op_type'], 'mult_adds': segment['mult_adds'],
             'instructions': after - before - mark_cost}
            for segment, before, after in zip(segments, marks[2:-1], marks[3:], strict=True)]
    by_type: dict[str, dict] = {}
    for row in rows:
        entry = by_type.setdefault(row['op_type'], {'segments': 0, 'instructions': 0, 'mult_adds': 0})
        entry['segments'] += 1
        entry['instructions'] += row['instructions']
        entry['mult_adds'] += row['mult_adds']
    return {'mark_cost': mark_cost, 'session_call_cost': call_cost, 'total': sum(row['instructions'] for row in rows),
            'by_type': by_type,
            'segments': rows}
