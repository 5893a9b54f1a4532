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


def run_segments(manifest: str, warmup: int) -> int:
    """Run a cut model's segments one by one, marking after each.

    First two marks in a row (a mark's own cost) and an empty session call (the cost of a call).
    """
    from ..deploy.session import make_session

    data = json.loads(open(manifest).read())
    values = np.load(os.path.join(os.path.dirname(manifest), 'values.npz'))
    feeds = [{name: values[data['values'][name]] for name in segment['inputs']} for segment in data['segments']]
    sessions = [make_session(segment['path'], 1) for segment in data['segments']]
    call = make_session(data['session_call'], 1)
    call_feed = {'x': np.zeros(1, np.float32)}
    for _ in range(warmup):
        call.run(None, call_feed)
        for session, feed in zip(sessions, feeds, strict=True):
            session.run(None, feed)
    mark()
    mark()
    call.run(None, call_feed)
    mark()
    for session, feed in zip(sessions, feeds, strict=True):
        session.run(None, feed)
        mark()
    print(json.dumps({'runtime': 'onnxruntime', 'runtime_version': runtime_version('onnxruntime')}), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--runtime', default='onnxruntime')
    parser.add_argument('--model')
    parser.add_argument('--input', help='float32 NCHW .npy')
    parser.add_argument('--segments', help='segments.json of a cut model: count each segment (ONNX Runtime)')
    parser.add_argument('--runs', type=int, default=1)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args(argv)
    if args.segments:
        return run_segments(args.segments, args.warmup)
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
