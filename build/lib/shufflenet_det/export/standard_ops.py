"""Check that an ONNX model uses only operators of the standard ONNX domain."""

import onnx

STANDARD_DOMAINS = ('', 'ai.onnx')


class NonStandardOpError(ValueError):
    """The ONNX graph contains operators that stock ONNX Runtime builds do not have."""


def _nodes(graph: onnx.GraphProto):
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            subgraphs = [attribute.g] if attribute.HasField('g') else list(attribute.graphs)
            for subgraph in subgraphs:
                yield from _nodes(subgraph)


def non_standard_ops(model: onnx.ModelProto) -> dict[str, list[str]]:
    """Map each non-standard operator (``domain::op_type``) in ``model``, subgraphs included, to its node names."""
    found: dict[str, list[str]] = {}
    for node in _nodes(model.graph):
        if node.domain not in STANDARD_DOMAINS:
            found.setdefault(f'{node.domain}::{node.op_type}', []).append(node.name or '<unnamed>')
    return found


def check_standard_ops(model: onnx.ModelProto) -> None:
    """Raise if ``model`` uses any operator outside the standard ONNX domain.

    Raises:
        NonStandardOpError: Naming each offending operator, how many nodes use it, and the first such node.
    """
    found = non_standard_ops(model)
    if found:
        listing = '; '.join(f'{op} ({len(nodes)} node(s), first {nodes[0]})' for op, nodes in found.items())
        raise NonStandardOpError(
            f'the exported graph uses operators that stock ONNX Runtime lacks: {listing}. Replace the layers '
            'that produce them (for example mmcv ops chosen through conv_cfg) with standard ones')
