"""The exported detector in ONNX Runtime: image in, detections in the image's own pixels out."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidGraph, InvalidProtobuf

from .detections import Detections
from .preprocess import resize_bilinear, to_input_tensor, validate_image, validate_input_tensor
from .session import make_session
from .spec import COMPARED_FIELDS, METADATA_KEY, OUTPUT_NAMES, REEXPORT, ModelSpec, SidecarError, load_spec


@dataclass(frozen=True)
class PreparedImage:
    """An image turned into model input, with what is needed to map boxes back.

    Attributes:
        tensor: float32 (1, 3, h, w) model input.
        original_size: (H, W) of the image as given.
        input_size: (h, w) of the model input.
    """

    tensor: np.ndarray
    original_size: tuple[int, int]
    input_size: tuple[int, int]

    def to_original(self, detections: Detections) -> Detections:
        """``detections`` on the model input mapped to the original image's pixels (clipped to the image)."""
        (height, width), (input_height, input_width) = self.original_size, self.input_size
        factors = np.array([input_width / width, input_height / height] * 2, dtype=np.float32)
        boxes = detections.boxes / factors
        boxes = np.clip(boxes, 0, np.array([width, height, width, height], dtype=np.float32))
        return Detections(boxes=boxes.astype(np.float32), scores=detections.scores, labels=detections.labels)


def check_model_matches(session: ort.InferenceSession, spec: ModelSpec, origin: str) -> None:
    """Check the graph's inputs and outputs against the sidecar and the model contract.

    Raises:
        SidecarError: If the input name, rank or channels, or the output names differ.
    """
    inputs = {node.name: node for node in session.get_inputs()}
    if list(inputs) != [spec.input_name]:
        raise SidecarError(f'{origin}: the sidecar names input {spec.input_name!r} but the model has '
                           f'{list(inputs)}; the .json belongs to another model')
    model_input = inputs[spec.input_name]
    if len(model_input.shape) != 4 or model_input.shape[1] != 3 or model_input.type != 'tensor(float)':
        raise SidecarError(f'{origin}: model input is {model_input.type} {model_input.shape}, expected '
                           "tensor(float) [1, 3, 'height', 'width']; not an exported shufflenet-det detector")
    outputs = [node.name for node in session.get_outputs()]
    if outputs != list(OUTPUT_NAMES):
        raise SidecarError(f'{origin}: model outputs are {outputs}, expected {list(OUTPUT_NAMES)}')


def _described(key: str, value: object) -> str:
    if key == 'classes' and isinstance(value, list):
        return f'{len(value)} classes ({", ".join(map(str, value[:4]))}{", ..." if len(value) > 4 else ""})'
    return f'{key} {value!r}'


def check_sidecar_matches_graph(session: ort.InferenceSession, spec: ModelSpec, origin: str) -> None:
    """Compare the sidecar with the copy the exporter stored in the graph's metadata.

    Graphs exported before they carried that copy are not compared here; ``Detector.run_tensor`` still checks
    every returned label against the sidecar's classes.

    Raises:
        SidecarError: Naming each field that differs (class names, scale, ...): the sidecar was edited or
            belongs to another model.
    """
    stored = session.get_modelmeta().custom_metadata_map.get(METADATA_KEY)
    if stored is None:
        return
    try:
        in_graph = json.loads(stored)
    except json.JSONDecodeError:
        raise SidecarError(f'{origin}: the copy of the sidecar inside the graph is not JSON; {REEXPORT}') from None
    in_sidecar = spec.to_dict()
    differing = [f'{_described(key, in_sidecar[key])} in the sidecar but {_described(key, in_graph.get(key))} in '
                 'the graph' for key in COMPARED_FIELDS if in_sidecar[key] != in_graph.get(key)]
    if differing:
        raise SidecarError(f'{origin}: the sidecar does not describe this model: {"; ".join(differing)}; '
                           f'{REEXPORT}')


class Detector:
    """An exported detector: loads ``<name>.onnx`` and its ``<name>.json`` sidecar, runs images.

    Args:
        model_path: The ONNX model (``runtime`` mnn: its ``.mnn`` conversion, see :mod:`.conversion`).
        threads: Intra-op threads (ONNX Runtime: one inter-op thread, sequential execution).
        sidecar: The sidecar file, when it is not ``model_path`` with a ``.json`` suffix.
        runtime: ``onnxruntime`` (default), ``mnn`` or ``ncnn`` (:mod:`.backends`).

    Raises:
        FileNotFoundError: If the model does not exist.
        ValueError: If the model file is not an ONNX model ONNX Runtime can load.
        SidecarError: If the sidecar is missing, invalid, or belongs to another model (by the ONNX file's
            digest, or a field differing from the copy inside the graph).
    """

    def __init__(self, model_path: str | Path, threads: int = 1, sidecar: str | Path | None = None,
                 runtime: str = 'onnxruntime') -> None:
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise FileNotFoundError(f'model {self.model_path} not found (export one with tools/export.py)')
        if sidecar is None and self.model_path.name.endswith('.ncnn.param'):
            sidecar = self.model_path.with_name(self.model_path.name.removesuffix('.ncnn.param') + '.json')
        self.threads = threads
        self.runtime = runtime
        if runtime != 'onnxruntime':
            from .backends import open_model

            self.spec = load_spec(self.model_path, sidecar)
            self.session, self.model = None, open_model(runtime, self.model_path, threads)
            return
        try:
            self.session = make_session(self.model_path, threads)
        except (InvalidProtobuf, InvalidGraph, Fail) as error:
            raise ValueError(f'model {self.model_path} is not a loadable ONNX model ({str(error).split(" : ")[-1]}); '
                             'pass the .onnx file tools/export.py wrote') from None
        self.spec = load_spec(self.model_path, sidecar)
        check_model_matches(self.session, self.spec, f'model {self.model_path}')
        check_sidecar_matches_graph(self.session, self.spec, f'model {self.model_path}')

    def prepare(self, image: np.ndarray) -> PreparedImage:
        """Validate an RGB uint8 (H, W, 3) image and resize it to the model's scale.

        Raises:
            ValueError: If the image has the wrong rank, dtype or channel count, or is too elongated to resize.
        """
        validate_image(image)
        height, width = image.shape[:2]
        input_size = self.spec.input_scale.resized_size(height, width)
        tensor = to_input_tensor(resize_bilinear(image, *input_size))
        return PreparedImage(tensor=tensor, original_size=(height, width), input_size=input_size)

    def run_tensor(self, tensor: np.ndarray) -> Detections:
        """Run the graph on a prepared float32 (1, 3, h, w) input; boxes are in the input's pixels.

        Raises:
            ValueError: If the tensor has the wrong rank, dtype or channel count.
            SidecarError: If the graph returns a label that is not an index of the sidecar's classes.
        """
        validate_input_tensor(tensor)
        if self.session is None:
            boxes, scores, labels = self.model.run(tensor)
        else:
            boxes, scores, labels = self.session.run(list(OUTPUT_NAMES), {self.spec.input_name: tensor})
        if labels.size and not 0 <= int(labels.min()) <= int(labels.max()) < len(self.spec.classes):
            raise SidecarError(f'model {self.model_path} returned label {int(labels.max())} but its sidecar lists '
                               f'{len(self.spec.classes)} classes: the sidecar belongs to another model; {REEXPORT}')
        return Detections.from_arrays(boxes, scores, labels)

    def detect(self, image: np.ndarray) -> Detections:
        """Detect objects in an RGB uint8 (H, W, 3) image; boxes are in the image's own pixels.

        Raises:
            ValueError: If the image has the wrong rank, dtype or channel count.
        """
        prepared = self.prepare(image)
        return prepared.to_original(self.run_tensor(prepared.tensor))
