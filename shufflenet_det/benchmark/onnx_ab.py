"""Time exported detectors against each other in one process: rounds that run every model in turn, so a busy
machine slows all of them alike and the ratios to the first model hold where the milliseconds do not.

Every model sees the same 4:3 image of the built-in shapes data at the given scale; the machine's GEMM rate is
measured before and after the rounds, so each model's mult-adds per second can be read as a share of it.
"""

import hashlib
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from ..core.project_configs import input_scale_for
from ..deploy.detector import make_session
from ..deploy.timing import time_runs
from ..export.sample_inputs import sample_images, to_model_input
from .breakdown.categories import PART_GLUE, PART_OVERHEAD
from .breakdown.onnx_profile import onnx_breakdown
from .gemm_rate import measure_gemm_rate
from .rows import ModelKind


@dataclass(frozen=True)
class NamedModel:
    """An ONNX model under a short name (``before=old/model.onnx``)."""

    name: str
    path: Path

    @classmethod
    def parse(cls, text: str) -> 'NamedModel':
        """``NAME=PATH`` (argparse type).

        Raises:
            ValueError: If ``text`` has no ``=`` or the file does not exist.
        """
        name, separator, path = text.partition('=')
        if not separator or not name:
            raise ValueError(f'expected NAME=PATH.onnx, got {text!r}')
        if not Path(path).is_file():
            raise ValueError(f'{path} not found (export it with tools/export.py)')
        return cls(name, Path(path))


def model_feed(path: Path, image_bgr: np.ndarray) -> dict[str, np.ndarray]:
    """The image as the model's input: the project's (1, 3, H, W) RGB 0..255, or torchvision's (3, H, W) 0..1."""
    graph_input = onnx.load(str(path), load_external_data=False).graph.input[0]
    tensor = to_model_input(image_bgr).numpy()
    if len(graph_input.type.tensor_type.shape.dim) == 3:
        tensor = tensor[0] / 255
    return {graph_input.name: tensor}


def compare_models(models: list[NamedModel], scale: int, threads: int, rounds: int, warmup: int, runs: int,
                   breakdown_runs: int, profile_dir: Path) -> dict:
    """Time ``models`` in ``rounds`` interleaved rounds; return medians, fastest runs (waiting for a busy core
    only adds time), ratios to the first model and the GEMM rate, as plain data.

    Args:
        models: The models; the first is the baseline of the ratios.
        scale: Input scale of the shared image (shorter side).
        threads: ONNX Runtime intra-op threads.
        rounds: Rounds; each times every model once.
        warmup: Untimed runs of a model before its timed runs in each round.
        runs: Timed runs of a model per round (the round's value is their median).
        breakdown_runs: Profiled runs per model for the network / glue / overhead split (0: none).
        profile_dir: Where ONNX Runtime writes the profiles.
    """
    image = sample_images(1, input_scale_for(scale), seed=1)[0]
    sessions = {model.name: (make_session(model.path, threads), model_feed(model.path, image)) for model in models}
    gemm_before = measure_gemm_rate(threads)
    per_round: dict[str, list[float]] = {model.name: [] for model in models}
    fastest: dict[str, list[float]] = {model.name: [] for model in models}
    for _ in range(rounds):
        for model in models:
            session, feed = sessions[model.name]
            stats = time_runs(lambda session=session, feed=feed: session.run(None, feed), warmup, runs)
            per_round[model.name].append(stats.median_ms)
            fastest[model.name].append(stats.min_ms)
    gemm_after = measure_gemm_rate(threads)
    baseline = per_round[models[0].name]
    results = []
    for model in models:
        times = per_round[model.name]
        ratios = [time / base for time, base in zip(times, baseline, strict=True)]
        session, feed = sessions[model.name]
        entry = {'name': model.name, 'path': str(model.path),
                 'sha256': hashlib.sha256(model.path.read_bytes()).hexdigest(),
                 'nodes': len(onnx.load(str(model.path), load_external_data=False).graph.node),
                 'detections': len(session.run(None, feed)[0]),
                 'median_ms': statistics.median(times), 'round_medians_ms': times,
                 'min_ms': min(fastest[model.name]), 'round_min_ms': fastest[model.name],
                 'ratio_to_first': statistics.median(ratios), 'ratio_range': [min(ratios), max(ratios)]}
        if breakdown_runs:
            result = onnx_breakdown(model.path, feed, threads, ModelKind.DETECTOR, model.name, image_label(image),
                                    warmup, breakdown_runs, profile_dir)
            entry['breakdown_ms'] = result.by_part
            entry['glue_share'] = result.by_part.get(PART_GLUE, 0.0) / result.total_ms
            entry['overhead_share'] = result.by_part.get(PART_OVERHEAD, 0.0) / result.total_ms
        results.append(entry)
    return {'scale': scale, 'input': image_label(image), 'threads': threads, 'rounds': rounds, 'warmup': warmup,
            'runs_per_round': runs, 'gemm_rate': [gemm_before.to_dict(), gemm_after.to_dict()], 'models': results}


def image_label(image: np.ndarray) -> str:
    """``HxW`` of an (H, W, 3) image."""
    return f'{image.shape[0]}x{image.shape[1]}'
