"""Experiments on the built-in shapes dataset: the demo's detectors and the backbone x input-scale grid.

:mod:`.training` trains and evaluates one detector config (recording the validation mAP along the schedule),
:mod:`.picture` draws detections, :mod:`.demo` is ``tools/demo.py`` and :mod:`.grid` is ``tools/compare.py``.
"""
