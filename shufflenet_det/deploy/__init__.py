"""Run exported detectors on a device with ``onnxruntime`` and ``numpy`` alone (no torch, mmcv or mmdet).

On a board or phone, install the project with its ``deploy`` extra (``pip install 'shufflenet-det[deploy]'``:
onnxruntime, numpy, Pillow) and run an exported ``<name>.onnx`` with its ``<name>.json`` sidecar. Pillow is
optional (reading JPEG/PNG and writing class names on drawings); without it, images are read from ``.npy`` files.
The training and export side (:mod:`shufflenet_det.export`, :mod:`shufflenet_det.benchmark`) builds on the
primitives defined here, so both sides share one definition of each.

Modules: :mod:`.spec` (the sidecar, written by the exporter and read here), :mod:`.preprocess` (validation and
resizing), :mod:`.runner` (the detector), :mod:`.detections` (detections and matching two runs' detections),
:mod:`.images` (reading and writing images, one decoder for the device and the training side),
:mod:`.annotations` (the COCO annotation rules shared with training and ``tools/test.py``), :mod:`.draw`,
:mod:`.machine`, :mod:`.timing`, :mod:`.arguments` (command-line types), :mod:`.bench` (the command line
benchmark) and :mod:`.compare` (comparing two benchmark results). MNN and ncnn beside ONNX Runtime:
:mod:`.session` (the ONNX Runtime session), :mod:`.backends` (one inference interface over the three runtimes),
:mod:`.conversion` (ONNX to MNN and ncnn) and :mod:`.runtime_compare` (parity and x86 latency of the three).
"""
