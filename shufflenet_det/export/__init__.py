"""Export of the C4 and light-head detectors to standard-op ONNX, and checks of the exported model."""

from .detector_graph import ExportableFasterRCNN, TwoStageGraph, UnsupportedDetectorError, check_exportable
from .exporter import PreparedExport, export_detector, exportable_graph, load_detector, prepare_export
from .light_head_graph import ExportableLightHeadRCNN
from .standard_ops import NonStandardOpError, check_standard_ops, non_standard_ops

__all__ = [
    'ExportableFasterRCNN', 'ExportableLightHeadRCNN', 'NonStandardOpError', 'PreparedExport', 'TwoStageGraph',
    'UnsupportedDetectorError', 'check_exportable', 'check_standard_ops', 'export_detector', 'exportable_graph',
    'load_detector', 'non_standard_ops', 'prepare_export'
]
