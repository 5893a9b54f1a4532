"""The JSON sidecar written next to every exported model: what the graph expects and what it returns.

The exporter builds a :class:`ModelSpec`, stores it in the ONNX file's metadata (:data:`METADATA_KEY`) and writes
it as the sidecar with :func:`write_spec`, which adds the sha256 digest of the ONNX file. The device runner reads
it with :func:`load_spec`, which checks the type of every field and the digest; ``Detector`` then compares it
with the copy inside the graph. Both sides use the definitions here.
"""

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import ShufflenetDetError
from .preprocess import InputScale

SIDECAR_FORMAT = 'shufflenet-det-onnx/1'
#: ONNX opset of every exported graph.
OPSET = 17
#: Name of the exported graphs' image input.
INPUT_NAME = 'image'
#: The only input format the exported graphs have (normalisation happens inside the graph).
INPUT_FORMAT = {'layout': 'NCHW', 'channel_order': 'RGB', 'dtype': 'float32', 'value_range': [0, 255]}
#: The exported graphs' outputs, in order.
OUTPUT_NAMES = ('boxes', 'scores', 'labels')
REQUIRED_KEYS = ('format', 'classes', 'scale', 'max_size', 'input', 'score_threshold', 'max_detections',
                 'num_proposals')
#: Sidecar key of the ONNX file's sha256 digest (hex), written by :func:`write_spec`.
DIGEST_KEY = 'onnx_sha256'
#: ONNX metadata key under which the exporter stores the sidecar's content inside the graph.
METADATA_KEY = 'shufflenet_det.sidecar'
#: Fields compared between the sidecar and the copy inside the graph.
COMPARED_FIELDS = ('classes', 'scale', 'max_size', 'input', 'score_threshold', 'max_detections', 'num_proposals')
REEXPORT = 're-export the model with tools/export.py, or use the .json it wrote next to this .onnx'
logger = logging.getLogger(__name__)


class SidecarError(ShufflenetDetError, ValueError):
    """The sidecar is missing, unreadable, or does not describe the model next to it."""


@dataclass(frozen=True)
class ModelSpec:
    """What an exported model expects and returns, from its sidecar.

    Attributes:
        classes: Class names; a detection's label indexes this list.
        scale: Shorter image side the model was exported for.
        max_size: Limit of the longer image side.
        input_name: Name of the graph's image input.
        score_threshold: Detections below this score were dropped inside the graph.
        max_detections: Most detections the graph returns.
        num_proposals: RPN proposals per image that the per-RoI head runs on (most of the work).
        source: Config and checkpoint the model was exported from.
        normalisation: Mean, std and channel order applied inside the graph (for the record).
        opset: ONNX opset of the graph (None when the sidecar does not say).
    """

    classes: tuple[str, ...]
    scale: int
    max_size: int
    input_name: str
    score_threshold: float
    max_detections: int
    num_proposals: int
    source: dict
    normalisation: dict
    opset: int | None = OPSET

    @classmethod
    def from_dict(cls, data: Any, origin: str = 'sidecar') -> 'ModelSpec':
        """Check and read a parsed sidecar.

        Args:
            data: The parsed JSON.
            origin: Where it came from, for error messages.

        Raises:
            SidecarError: If the format is unknown, keys are missing, a field has the wrong type or value, or
                the input format is not the supported one.
        """
        if not isinstance(data, dict) or data.get('format') != SIDECAR_FORMAT:
            found = data.get('format') if isinstance(data, dict) else type(data).__name__
            raise SidecarError(f'{origin}: format is {found!r}, expected {SIDECAR_FORMAT!r}; re-export the model '
                               'with tools/export.py')
        missing = [key for key in REQUIRED_KEYS if key not in data]
        if missing:
            raise SidecarError(f'{origin}: missing {", ".join(missing)}; re-export the model with tools/export.py')
        problem = _field_problem(data)
        if problem is not None:
            raise SidecarError(f'{origin}: {problem}; {REEXPORT}')
        model_input = data['input']
        for key, expected in INPUT_FORMAT.items():
            if model_input.get(key) != expected:
                raise SidecarError(f'{origin}: input {key} is {model_input.get(key)!r}, this runner supports '
                                   f'{expected!r} only')
        if not data['scale'] <= data['max_size']:
            raise SidecarError(f'{origin}: need 0 < scale <= max_size, got scale {data["scale"]}, max_size '
                               f'{data["max_size"]}')
        return cls(classes=tuple(data['classes']), scale=data['scale'], max_size=data['max_size'],
                   input_name=model_input.get('name', INPUT_NAME), score_threshold=float(data['score_threshold']),
                   max_detections=data['max_detections'], num_proposals=data['num_proposals'],
                   source=dict(data.get('source') or {}), normalisation=dict(data.get('normalisation') or {}),
                   opset=data.get('opset'))

    @property
    def input_scale(self) -> InputScale:
        """The resize the model expects its input to have had."""
        return InputScale(self.scale, self.max_size)

    def to_dict(self) -> dict:
        """The sidecar's JSON content (what :meth:`from_dict` reads back)."""
        return {
            'format': SIDECAR_FORMAT,
            'classes': list(self.classes),
            'scale': self.scale,
            'max_size': self.max_size,
            'input': {'name': self.input_name, **INPUT_FORMAT},
            'normalisation': self.normalisation,
            'score_threshold': self.score_threshold,
            'max_detections': self.max_detections,
            'num_proposals': self.num_proposals,
            'opset': self.opset,
            'source': self.source,
        }


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return f'{text if len(text) <= 60 else text[:60] + "..."} (a JSON {type(value).__name__})'


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _field_problem(data: dict) -> str | None:
    """What is wrong with the type or value of one of the sidecar's fields, or None if nothing is."""
    classes = data['classes']
    if not isinstance(classes, list) or not classes or not all(isinstance(name, str) and name for name in classes):
        return f'"classes" is {_shown(classes)}; it must be a non-empty list of class names'
    repeated = sorted({name for name in classes if classes.count(name) > 1})
    if repeated:
        return f'"classes" names {", ".join(map(repr, repeated))} more than once'
    for key, meaning in (('scale', 'the shorter image side the model was exported for'),
                         ('max_size', 'the limit of the longer image side'),
                         ('max_detections', 'the most detections the graph returns'),
                         ('num_proposals', 'the proposals per image the graph runs its head on')):
        if not _is_positive_int(data[key]):
            return f'"{key}" is {_shown(data[key])}; it must be a positive integer ({meaning})'
    threshold = data['score_threshold']
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1 \
            or not math.isfinite(threshold):
        return f'"score_threshold" is {_shown(threshold)}; it must be a number from 0 to 1'
    if not isinstance(data['input'], dict) or not isinstance(data['input'].get('name', INPUT_NAME), str):
        return f'"input" is {_shown(data["input"])}; it must be an object with the input\'s name and format'
    for key in ('source', 'normalisation'):
        if data.get(key) is not None and not isinstance(data[key], dict):
            return f'"{key}" is {_shown(data[key])}; it must be an object'
    if data.get('opset') is not None and not _is_positive_int(data['opset']):
        return f'"opset" is {_shown(data["opset"])}; it must be a positive integer'
    digest = data.get(DIGEST_KEY)
    if digest is not None and not (isinstance(digest, str) and len(digest) == 64
                                   and all(c in '0123456789abcdef' for c in digest)):
        return f'"{DIGEST_KEY}" is {_shown(digest)}; it must be the 64 hex digits of a sha256 digest'
    return None


def file_digest(path: str | Path) -> str:
    """The sha256 digest of the file at ``path``, in hex."""
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for block in iter(lambda: file.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(model_path: str | Path) -> Path:
    """The sidecar belonging to ``model_path``: same folder and stem, ``.json`` suffix."""
    return Path(model_path).with_suffix('.json')


def write_spec(spec: ModelSpec, model_path: str | Path) -> Path:
    """Write ``spec`` as the sidecar of the (written) ONNX file ``model_path``, with the file's sha256 digest.

    Returns:
        The sidecar's path.
    """
    path = sidecar_path(model_path)
    content = {**spec.to_dict(), DIGEST_KEY: file_digest(model_path)}
    path.write_text(json.dumps(content, indent=2) + '\n', encoding='utf-8')
    return path


def load_spec(model_path: str | Path, sidecar: str | Path | None = None) -> ModelSpec:
    """Read the sidecar of ``model_path`` (or the explicit ``sidecar`` file) and check it belongs to the model.

    A sidecar written before sidecars recorded the ONNX file's digest is read with a logged warning: it cannot be
    paired with its model by digest (the graph's own copy of the sidecar still is compared by ``Detector``).

    Raises:
        SidecarError: If the file is missing, is not JSON, is not a valid sidecar, or records the digest of
            another ONNX file.
    """
    path = Path(sidecar) if sidecar is not None else sidecar_path(model_path)
    if not path.is_file():
        raise SidecarError(f'sidecar {path} not found: tools/export.py writes <name>.json next to <name>.onnx; copy '
                           'both files together (or pass the sidecar explicitly)')
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SidecarError(f'sidecar {path} is not valid JSON ({error})') from error
    spec = ModelSpec.from_dict(data, origin=f'sidecar {path}')
    recorded = data.get(DIGEST_KEY)
    if recorded is None:
        logger.warning('sidecar %s records no %s (written by an older tools/export.py), so it cannot be checked to '
                       'belong to %s; re-export the model to add it', path, DIGEST_KEY, model_path)
    elif Path(model_path).is_file() and recorded != (actual := file_digest(model_path)):
        raise SidecarError(f'sidecar {path} belongs to another model: it records {DIGEST_KEY} {recorded[:16]}... '
                           f'but {model_path} has {actual[:16]}...; {REEXPORT}')
    return spec
