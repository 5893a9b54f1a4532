"""The JSON sidecar written next to every exported model: what the graph expects and what it returns.

The exporter builds a :class:`ModelSpec` and writes it with :func:`write_spec`; the device runner reads it with
:func:`load_spec`. Both sides use the definitions here.
"""

import json
from dataclasses import dataclass
from pathlib import Path

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
    def from_dict(cls, data: dict, origin: str = 'sidecar') -> 'ModelSpec':
        """Check and read a parsed sidecar.

        Args:
            data: The parsed JSON.
            origin: Where it came from, for error messages.

        Raises:
            SidecarError: If the format is unknown, keys are missing or the input format is not the supported one.
        """
        if not isinstance(data, dict) or data.get('format') != SIDECAR_FORMAT:
            found = data.get('format') if isinstance(data, dict) else type(data).__name__
            raise SidecarError(f'{origin}: format is {found!r}, expected {SIDECAR_FORMAT!r}; re-export the model '
                               'with tools/export.py')
        missing = [key for key in REQUIRED_KEYS if key not in data]
        if missing:
            raise SidecarError(f'{origin}: missing {", ".join(missing)}; re-export the model with tools/export.py')
        model_input = data['input'] if isinstance(data['input'], dict) else {}
        for key, expected in INPUT_FORMAT.items():
            if model_input.get(key) != expected:
                raise SidecarError(f'{origin}: input {key} is {model_input.get(key)!r}, this runner supports '
                                   f'{expected!r} only')
        if not data['classes']:
            raise SidecarError(f'{origin}: the class list is empty')
        if not 0 < int(data['scale']) <= int(data['max_size']):
            raise SidecarError(f'{origin}: need 0 < scale <= max_size, got scale {data["scale"]}, max_size '
                               f'{data["max_size"]}')
        return cls(classes=tuple(data['classes']), scale=int(data['scale']), max_size=int(data['max_size']),
                   input_name=model_input.get('name', INPUT_NAME), score_threshold=float(data['score_threshold']),
                   max_detections=int(data['max_detections']), num_proposals=int(data['num_proposals']),
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


def sidecar_path(model_path: str | Path) -> Path:
    """The sidecar belonging to ``model_path``: same folder and stem, ``.json`` suffix."""
    return Path(model_path).with_suffix('.json')


def write_spec(spec: ModelSpec, model_path: str | Path) -> Path:
    """Write ``spec`` as the sidecar of ``model_path``; returns the sidecar's path."""
    path = sidecar_path(model_path)
    path.write_text(json.dumps(spec.to_dict(), indent=2) + '\n', encoding='utf-8')
    return path


def load_spec(model_path: str | Path, sidecar: str | Path | None = None) -> ModelSpec:
    """Read the sidecar of ``model_path`` (or the explicit ``sidecar`` file).

    Raises:
        SidecarError: If the file is missing, is not JSON, or is not a valid sidecar.
    """
    path = Path(sidecar) if sidecar is not None else sidecar_path(model_path)
    if not path.is_file():
        raise SidecarError(f'sidecar {path} not found: tools/export.py writes <name>.json next to <name>.onnx; copy '
                           'both files together (or pass the sidecar explicitly)')
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SidecarError(f'sidecar {path} is not valid JSON ({error})') from error
    return ModelSpec.from_dict(data, origin=f'sidecar {path}')
