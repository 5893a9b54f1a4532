"""Where the time of one inference goes, by operation category and by model part, in both runtimes.

Modules: :mod:`.categories` (the categories and parts both runtimes sort into), :mod:`.table` (the result and
its tables), :mod:`.torch_hooks` (PyTorch, by module hooks), :mod:`.onnx_profile` (ONNX Runtime, from its node
profile) and :mod:`.run` (profiling one sweep model in the requested runtimes).
"""
