"""Convert an exported ONNX model for MNN (MNN's converter) or ncnn (pnnx), with named errors on failure.

Runs on the host, without torch: MNN's converter is called through the ``MNN`` wheel's compiled entry point
(not its ``mnnconvert`` script, which pip-installs a logging SDK and sends usage logs), pnnx as the executable
of the ``pnnx`` wheel.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.errors import ShufflenetDetError
from .backends import import_runtime, ncnn_blobs, ncnn_missing_layers, runtime_version
from .spec import DIGEST_KEY, file_digest

#: Suffix of each runtime's converted file.
CONVERTED_SUFFIX = {'mnn': '.mnn', 'ncnn': '.ncnn.param'}
#: Calls MNN's converter without its logging wrapper.
MNN_CONVERT = 'import sys, _tools; _tools.mnnconvert(["mnnconvert", *sys.argv[1:]])'


class ConversionError(ShufflenetDetError, RuntimeError):
    """A model a runtime cannot take: the message names the operator and the converter's version."""


def converted_path(onnx_path: Path, runtime: str, folder: Path) -> Path:
    """Where the ``runtime`` form of ``onnx_path`` goes in ``folder``."""
    return Path(folder) / (Path(onnx_path).stem + CONVERTED_SUFFIX[runtime])


def unsupported_lines(log: str) -> list[str]:
    """Converter output lines that report an operator it cannot convert."""
    pattern = re.compile(r"not support|unsupported|don't support|no converter|not implemented", re.IGNORECASE)
    return [line.strip() for line in log.splitlines() if pattern.search(line)]


def convert_mnn(onnx_path: Path, out: Path) -> Path:
    """``onnx_path`` converted by MNN's converter into ``out`` (fp32 weights).

    Raises:
        ConversionError: Naming the unsupported operators and MNN's version.
    """
    import_runtime('mnn')
    out.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.run([sys.executable, '-c', MNN_CONVERT, '-f', 'ONNX', '--modelFile', str(onnx_path),
                              '--MNNModel', str(out), '--bizCode', 'shufflenet-det'], text=True, capture_output=True)
    log = process.stdout + process.stderr
    problems = unsupported_lines(log)
    if process.returncode != 0 or problems or not out.is_file() or 'Converted Success' not in log:
        detail = '; '.join(problems) or '\n'.join(log.strip().splitlines()[-5:])
        raise ConversionError(f'MNN {runtime_version("mnn")} cannot convert {onnx_path}: {detail}')
    return out


def pnnx_executable() -> str:
    """The ``pnnx`` executable of the ``pnnx`` wheel (next to this Python, or on PATH).

    Raises:
        ConversionError: Saying how to install it.
    """
    candidate = Path(sys.executable).with_name('pnnx')
    found = str(candidate) if candidate.is_file() else shutil.which('pnnx')
    if found is None:
        raise ConversionError("pnnx not found: pip install 'shufflenet-det[arm]' (ncnn conversion uses pnnx)")
    return found


def pnnx_version() -> str:
    """The installed pnnx wheel's version."""
    from importlib.metadata import version

    return version('pnnx')


def convert_ncnn(onnx_path: Path, out: Path, input_shape: tuple[int, ...]) -> Path:
    """``onnx_path`` converted by pnnx into ``out`` (``.ncnn.param``) and its ``.ncnn.bin``, fp32 weights.

    Raises:
        ConversionError: Naming the operators ncnn has no layer for, with pnnx's and ncnn's versions.
    """
    import_runtime('ncnn')
    out.parent.mkdir(parents=True, exist_ok=True)
    shape = ','.join(str(side) for side in input_shape)
    with tempfile.TemporaryDirectory(prefix='pnnx-') as folder:
        work = Path(folder) / Path(onnx_path).name
        os.symlink(Path(onnx_path).resolve(), work)
        outputs = {'ncnnparam': out.resolve(), 'ncnnbin': out.resolve().with_suffix('.bin')}
        scratch = {name: Path(folder) / name for name in ('pnnxparam', 'pnnxbin', 'pnnxpy', 'pnnxonnx', 'ncnnpy')}
        process = subprocess.run([pnnx_executable(), str(work), f'inputshape=[{shape}]f32', 'fp16=0',
                                  *(f'{key}={value}' for key, value in {**outputs, **scratch}.items())],
                                 text=True, capture_output=True, cwd=folder)
    versions = f'pnnx {pnnx_version()}, ncnn {runtime_version("ncnn")}'
    if process.returncode != 0 or not out.is_file():
        detail = '; '.join(unsupported_lines(process.stdout + process.stderr)) or \
            '\n'.join((process.stdout + process.stderr).strip().splitlines()[-5:])
        raise ConversionError(f'{versions} cannot convert {onnx_path}: {detail}')
    missing = ncnn_missing_layers(out)
    if missing:
        raise ConversionError(f'{versions}: {onnx_path} needs operator(s) ncnn has no layer for: '
                              f'{", ".join(missing)}')
    inputs, _ = ncnn_blobs(out)
    if len(inputs) != 1:
        raise ConversionError(f'{versions}: {onnx_path} became an ncnn model with {len(inputs)} inputs, expected 1')
    return out


def convert(onnx_path: str | Path, runtime: str, folder: str | Path, input_shape: tuple[int, ...]) -> Path:
    """``onnx_path`` in ``runtime``'s own format inside ``folder`` (ONNX Runtime: the file itself).

    A detector's sidecar (``<name>.json``) is copied beside the converted file, with that file's digest.

    Raises:
        ConversionError: If the runtime cannot take the model (operator and version named).
    """
    onnx_path = Path(onnx_path)
    if runtime == 'onnxruntime':
        return onnx_path
    out = converted_path(onnx_path, runtime, Path(folder))
    converted = convert_mnn(onnx_path, out) if runtime == 'mnn' else convert_ncnn(onnx_path, out, input_shape)
    sidecar = onnx_path.with_suffix('.json')
    if sidecar.is_file():  # a detector's sidecar goes with it, naming the converted file's digest
        data = json.loads(sidecar.read_text(encoding='utf-8'))
        if DIGEST_KEY in data:
            data[DIGEST_KEY] = file_digest(converted)
        (Path(folder) / sidecar.name).write_text(json.dumps(data, indent=2) + '\n', encoding='utf-8')
    return converted
