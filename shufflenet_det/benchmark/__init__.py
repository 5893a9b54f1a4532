"""Latency sweeps over models x input resolutions x runtimes (PyTorch eager, ONNX Runtime), with reports.

Modules, one job each: ``machine`` (what ran it), ``timing`` (warm-up, runs, median and spread), ``zoo`` and
``classifiers`` / ``detectors`` / ``peers`` (the models and their inputs), ``onnx_runtime`` (sessions),
``sweep`` (measuring all rows in one process), ``ratios`` and ``report`` (the paper's figures beside ours),
``plots``, and ``categories`` / ``breakdown*`` (where the time of one inference goes).
"""
