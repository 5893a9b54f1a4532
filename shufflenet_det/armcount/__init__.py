"""aarch64 instruction counts of exported models under qemu-user emulation (no ARM hardware needed).

A count is deterministic and comparable between models and runtimes, but it is not a time: it ignores memory,
cache and pipeline effects. Modules: :mod:`.counts` (per-inference arithmetic, repeatability, the JSON record),
:mod:`.cpu_models` (the CPU models a count may emulate), :mod:`.root` (the aarch64 root and the counting plugin,
built once and cached), :mod:`.emulator` (one counted guest process) and :mod:`.guest` (the program that runs
inside the root). Everything here runs without torch.
"""
