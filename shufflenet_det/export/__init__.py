"""Export of the C4 and light-head detectors to standard-op ONNX, and checks of the exported model."""

from .detector_graph import ExportableFasterRCNN, TwoStageGraph, UnsupportedDetectorError, check_exportable
from .exporter import export_detector, exportable_graph, load_detector, prepare_exportable, write_export
from .light_head_graph import ExportableLightHeadRCNN
from .parity import Detections, ImageParity, match_detections
from .standard_ops import NonStandardOpError, check_standard_ops, non_standard_ops

__all__ = [
    'Detections', 'ExportableFasterRCNN', 'ExportableLightHeadRCNN', 'ImageParity', 'NonStandardOpError',
    'TwoStageGraph', 'UnsupportedDetectorError', 'check_exportable', 'check_standard_ops', 'export_detector',
    'exportable_graph', 'load_detector', 'match_detections', 'non_standard_ops', 'prepare_exportable',
    'write_export'
]
