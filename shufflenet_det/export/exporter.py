"""Export an MMDetection two-stage detector config + checkpoint to a standard-op ONNX model with a JSON sidecar."""

import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import onnx
import torch
from mmdet.registry import DATASETS, MODELS
from mmdet.utils import register_all_modules
from mmengine.config import Config

from ..checkpoints import load_weights
from ..checkpoints.imagenet_init import without_pretrained
from ..core.project_configs import config_scale, export_name, input_scale_for, load_config
from ..deploy.preprocess import InputScale
from ..deploy.spec import INPUT_NAME, METADATA_KEY, OPSET, OUTPUT_NAMES, ModelSpec, write_spec
from ..engine import check_arguments, check_detector_channels
from ..models import LightHeadRCNN
from .c4_graph import ExportableC4FasterRCNN
from .graph_base import TwoStageGraph
from .light_head_graph import ExportableLightHeadRCNN
from .random_weights import spread_random_detector
from .sample_inputs import sample_images, to_model_input
from .shuffle_unit_forms import with_exported_shuffle_units
from .standard_ops import check_standard_ops

#: Seed of the random weights exported for ``checkpoint=None`` (benchmarks of random-weight models repeat).
RANDOM_WEIGHTS_SEED = 0


def load_detector(config: str | Path | Config, checkpoint: str | None,
                  seed: int = RANDOM_WEIGHTS_SEED) -> tuple[torch.nn.Module, Config]:
    """Build the detector of ``config`` in eval mode and load ``checkpoint`` (None: random weights).

    ``config`` is a config file, an ``mmdet::<path>`` name of MMDetection's packaged configs, or a loaded config.
    Random weights are drawn from ``seed`` (the global torch generator is left as it was), so the same command
    gives the same model.

    Raises:
        FileNotFoundError: If the config or checkpoint file does not exist.
        ConfigError: If a component takes no such argument, or the parts' channels differ.
        CheckpointFileError: If the checkpoint is not a checkpoint or holds code objects.
        CheckpointMismatchError: If the checkpoint does not fit the detector (its keys are listed).
    """
    if not isinstance(config, Config):
        config = load_config(config)
    register_all_modules()

    check_arguments(config)
    if checkpoint is None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            detector = MODELS.build(without_pretrained(config.model))
            detector.init_weights()
        check_detector_channels(detector)
    else:
        if not Path(checkpoint).is_file():
            raise FileNotFoundError(f'checkpoint {checkpoint} not found; train one with tools/train.py or pass '
                                    "'random' to export random weights")
        detector = MODELS.build(config.model)  # the checkpoint sets every weight (strict loading)
        check_detector_channels(detector)
        load_weights(detector, checkpoint)
    return detector.eval(), config


def class_names(config: Config) -> list[str]:
    """The class names of the config's test dataset."""
    dataset = config.test_dataloader.dataset
    metainfo = dataset.get('metainfo') or DATASETS.get(dataset.type).METAINFO
    return list(metainfo['classes'])


def export_onnx(exportable: TwoStageGraph, example: torch.Tensor, path: Path) -> onnx.ModelProto:
    """Trace ``exportable`` to ONNX (dynamic H and W) and check it uses standard operators only.

    ShuffleNet v1 units are traced in their export form (:func:`with_exported_shuffle_units`).

    Raises:
        NonStandardOpError: Naming the offending nodes when the graph contains non-standard operators.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), warnings.catch_warnings():
        # The values the tracer freezes are constants by design; tests/export checks other sizes give the same.
        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
        torch.onnx.export(
            with_exported_shuffle_units(exportable), (example, ), str(path), dynamo=False, opset_version=OPSET,
            do_constant_folding=False,
            input_names=[INPUT_NAME], output_names=list(OUTPUT_NAMES),
            dynamic_axes={INPUT_NAME: {2: 'height', 3: 'width'},
                          **{name: {0: 'detections'} for name in OUTPUT_NAMES}})
    model = onnx.load(str(path))
    try:
        check_standard_ops(model)
    except ValueError:
        path.unlink()
        raise
    onnx.checker.check_model(model)
    return model


@dataclass
class PreparedExport:
    """A detector wrapped for export at one input scale, ready to be written (see :func:`prepare_export`).

    Attributes:
        detector: The MMDetection detector in eval mode (random weights spread when there is no checkpoint).
        cfg: Its config.
        exportable: The detector re-expressed with standard-ONNX ops (sharing the detector's modules).
        input_scale: The scale the model is exported for.
        config_path: The config file it came from (recorded in the sidecar).
        checkpoint: The checkpoint loaded, or None for random weights.
        path: Where :meth:`write` last wrote the ONNX model (None before).
    """

    detector: torch.nn.Module
    cfg: Config
    exportable: TwoStageGraph
    input_scale: InputScale
    config_path: str
    checkpoint: str | None
    path: Path | None = None

    def spec(self) -> ModelSpec:
        """The sidecar: classes, input scale and post-processing settings, everything a device needs."""
        channel_order = 'RGB' if self.exportable.channel_order.tolist() == [0, 1, 2] else 'BGR'
        rcnn_cfg = self.exportable.rcnn_cfg
        return ModelSpec(
            classes=tuple(class_names(self.cfg)), scale=self.input_scale.scale, max_size=self.input_scale.max_size,
            input_name=INPUT_NAME, score_threshold=float(rcnn_cfg.score_thr),
            max_detections=int(rcnn_cfg.max_per_img), num_proposals=int(self.exportable.rpn_cfg.max_per_img),
            source={'config': self.config_path, 'checkpoint': self.checkpoint},
            normalisation={'mean': self.exportable.mean.flatten().tolist(),
                           'std': self.exportable.std.flatten().tolist(), 'channel_order': channel_order,
                           'applied_in_graph': True},
            opset=OPSET)

    def write(self, path: str | Path) -> Path:
        """Write the ONNX model to ``path`` and its sidecar beside it (same stem, ``.json``); returns ``path``.

        The graph's metadata holds a copy of the sidecar and the sidecar the ONNX file's digest, so that the
        device runner refuses a sidecar that was edited or belongs to another model.
        """
        path = Path(path)
        model = export_onnx(self.exportable, to_model_input(sample_images(1, self.input_scale)[0]), path)
        spec = self.spec()
        onnx.helper.set_model_props(model, {METADATA_KEY: json.dumps(spec.to_dict())})
        onnx.save(model, str(path))
        write_spec(spec, path)
        self.path = path
        return path


def exportable_graph(detector: torch.nn.Module) -> TwoStageGraph:
    """The standard-op graph of ``detector``'s layout: light head (``LightHeadRCNN``) or C4.

    Raises:
        UnsupportedDetectorError: If the layout has a component without a standard-ONNX form.
    """
    if isinstance(detector, LightHeadRCNN):
        return ExportableLightHeadRCNN(detector)
    return ExportableC4FasterRCNN(detector)


def prepare_export(config: str | Path | Config, checkpoint: str | None, scale: int | None = None,
                   config_path: str | None = None) -> PreparedExport:
    """Load ``config`` with ``checkpoint`` and wrap it for export.

    Args:
        config: Detector config file, or a loaded config (then pass ``config_path`` for the sidecar).
        checkpoint: Trained checkpoint, or None for random weights made comparable by
            :func:`spread_random_detector` (for checking the export of untrained models).
        scale: Shorter image side the model is exported for (default: the config's test scale, with its
            longer-side limit); the longer side is then limited to ``5/3 * scale`` as in MMDetection's
            (1000, 600) and (500, 300).
        config_path: The config's file, recorded in the sidecar (default: ``config`` itself).

    Raises:
        FileNotFoundError: If the config or checkpoint file does not exist.
        UnsupportedDetectorError: If the detector has a component without a standard-ONNX form.
    """
    detector, cfg = load_detector(config, checkpoint)
    input_scale = config_scale(cfg) if scale is None else input_scale_for(scale)
    exportable = exportable_graph(detector).eval()
    if checkpoint is None:
        spread_random_detector(exportable, [to_model_input(image) for image in sample_images(4, input_scale)])
    return PreparedExport(detector=detector, cfg=cfg, exportable=exportable, input_scale=input_scale,
                          config_path=config_path or str(config), checkpoint=checkpoint)


def export_detector(config: str | Path, checkpoint: str | None, out_dir: str | Path, scale: int | None = None,
                    name: str | None = None, log: Callable[[str], None] = print) -> PreparedExport:
    """Export ``config`` with ``checkpoint`` to ``out_dir/<name>.onnx`` plus a ``<name>.json`` sidecar.

    Args:
        config: Detector config file.
        checkpoint: Trained checkpoint, or None for random weights (see :func:`prepare_export`).
        out_dir: Folder for the model and the sidecar.
        scale: Shorter image side (default: the config's test scale).
        name: File stem; default ``<config stem>_<scale>``.
        log: Receives one progress line per step.

    Returns:
        The written export: its ``path`` is ``out_dir/<name>.onnx``, its ``detector`` the PyTorch model exported.
    """
    prepared = prepare_export(config, checkpoint, scale)
    log(f'[1/2] loaded {config} ({"random weights" if checkpoint is None else checkpoint})')
    start = time.perf_counter()
    path = prepared.write(Path(out_dir) / f'{name or export_name(config, prepared.input_scale.scale)}.onnx')
    log(f'[2/2] wrote {path} and {path.with_suffix(".json")} (scale {prepared.input_scale.scale}, longer side '
        f'<= {prepared.input_scale.max_size}, {time.perf_counter() - start:.1f} s); standard ONNX operators only')
    return prepared
