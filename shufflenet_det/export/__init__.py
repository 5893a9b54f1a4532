"""Export of the C4 Faster R-CNN detectors to standard-op ONNX, and checks of the exported model."""

from .detector_graph import ExportableFasterRCNN, UnsupportedDetectorError, check_exportable
from .exporter import PreparedExport, export_detector, load_detector, prepare_export
from .standard_ops import NonStandardOpError, check_standard_ops, non_standard_ops

__all__ = [
    'ExportableFasterRCNN', 'NonStandardOpError', 'PreparedExport', 'UnsupportedDetectorError', 'check_exportable',
    'check_standard_ops', 'export_detector', 'load_detector', 'non_standard_ops', 'prepare_export'
]
