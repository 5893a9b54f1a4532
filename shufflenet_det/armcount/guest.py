"""The counted program, run inside the aarch64 root: load a model, warm up, run it a given number of times.

It marks the count after the warm-up and after every inference (:func:`mark`), which gives one inference's
instructions (:mod:`.counts`). It needs numpy and the runtime alone. Prints the runtime's version as JSON, so
the host records what was counted.
"""

import argparse
import json
import os

import numpy as np

from ..deploy.backends import open_model, runtime_version

#: The offset that makes ``lseek(-1, MARK_MAGIC, 0)`` a mark for the counting plugin (insn_count.c).
MARK_MAGIC = 0x5344455443


def mark() -> None:
    """Ask the counting plugin to record the count now (a system call that fails harmlessly: fd -1)."""
    try:
        os.lseek(-1, MARK_MAGIC, os.SEEK_SET)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--runtime', required=True)
    parser.add_argument('--model', required=True)
    parser.add_argument('--input', required=True, help='float32 NCHW .npy')
    parser.add_argument('--runs', type=int, required=True)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args(argv)
    tensor = np.load(args.input)
    model = open_model(args.runtime, args.model, args.threads)
    for _ in range(args.warmup):
        model.run(tensor)
    mark()
    for _ in range(args.runs):
        model.run(tensor)
        mark()
    print(json.dumps({'runtime': args.runtime, 'runtime_version': runtime_version(args.runtime)}), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
