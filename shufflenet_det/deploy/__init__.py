"""Run exported detectors on a device with ``onnxruntime`` and ``numpy`` alone (no torch, mmcv or mmdet).

This package is self-contained: copy ``shufflenet_det/__init__.py`` and ``shufflenet_det/deploy/`` to a board or
phone next to an exported ``<name>.onnx`` and its ``<name>.json`` sidecar. Pillow is optional (reading JPEG/PNG
and writing class names on drawings); without it, images are read from ``.npy`` files.

Modules: :mod:`.spec` (the sidecar), :mod:`.preprocess` (validation and resizing), :mod:`.runner` (the
detector), :mod:`.images` (reading and writing images), :mod:`.draw`, :mod:`.machine`, :mod:`.timing`,
:mod:`.bench` (the command line benchmark) and :mod:`.compare` (comparing two benchmark results).
"""
