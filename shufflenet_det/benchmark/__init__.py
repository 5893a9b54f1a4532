"""Latency sweeps over models x input resolutions x runtimes (PyTorch eager, ONNX Runtime), with reports.

Modules, one job each: ``rows`` (model kinds, runtimes and the result row; no torch), ``zoo`` (the models, the
input grid and the case type), ``classifiers`` / ``detectors`` / ``peers`` (building each kind of case),
``sweep`` (measuring all rows in one process and writing the report files), ``ratios`` and ``report`` (the
paper's figures beside ours), ``plots``, the ``breakdown`` subpackage (where the time of one inference goes), and
``training`` (training throughput of the COCO configs, apart from the latency sweeps).
Timing and the machine description come from the device runner (:mod:`shufflenet_det.deploy`).
"""
