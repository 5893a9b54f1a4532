"""Export of the C4 and light-head detectors to standard-op ONNX, and checks of the exported model."""

from .c4_graph import ExportableC4FasterRCNN, check_c4_exportable
from .exporter import PreparedExport, export_detector, exportable_graph, load_detector, prepare_export
from .graph_base import TwoStageGraph, UnsupportedDetectorError
from .light_head_graph import ExportableLightHeadRCNN
from .standard_ops import NonStandardOpError, check_standard_ops, non_standard_ops

__all__ = [
    'ExportableC4FasterRCNN', 'ExportableLightHeadRCNN', 'NonStandardOpError', 'PreparedExport', 'TwoStageGraph',
    'UnsupportedDetectorError', 'check_c4_exportable', 'check_standard_ops', 'export_detector', 'exportable_graph',
    'load_detector', 'non_standard_ops', 'prepare_export'
]
