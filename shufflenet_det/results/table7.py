"""The ShuffleNet paper's Table 7 (COCO mAP of Faster R-CNN at scales 300 and 600) beside our results.

Each row is one of our detector configs at both scales; its results are read from the work dir tools/train.py
and tools/test.py give it (work_dirs/<config name>/): the newest tools/test.py evaluation
(<timestamp>/<timestamp>.json), else the last validation during training (<timestamp>/vis_data/scalars.json).
Rows without results say "not run"; results from before the last epoch of the schedule are starred. Below the
table, every number is traced to its file, the checkpoint and the annotations it was evaluated on.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mmengine.config import Config

from ..core.markdown import markdown_table
from ..core.paper_numbers import DETECTION_MAP
from ..core.project_configs import SCALES, scaled_config_name

#: (backbone as in Table 7, ImageNet weights, config path under configs/ without .py, at scale 600).
ROWS = (
    ('ShuffleNet 2x (g=3)', 'Megvii', 'frcnn_shufflenet_2x'),
    ('ShuffleNet 2x (g=3)', 'none', 'scratch/frcnn_shufflenet_2x_scratch'),
    ('ShuffleNet 1x (g=3)', 'Megvii', 'frcnn_shufflenet_1x'),
    ('ShuffleNet 1x (g=3)', 'mmpretrain', 'frcnn_shufflenet_1x_mmpretrain'),
    ('ShuffleNet 1x (g=3)', 'none', 'scratch/frcnn_shufflenet_1x_scratch'),
    ('1.0 MobileNet-224', 'timm', 'frcnn_mobilenet_v1'),
    ('1.0 MobileNet-224', 'none', 'scratch/frcnn_mobilenet_v1_scratch'),
    # The light-head layout (ThunderNet's head); not in the paper.
    ('ShuffleNet 2x (g=3), light head', 'Megvii', 'lighthead/frcnn_lh_shufflenet_2x'),
    ('ShuffleNet 1x (g=3), light head', 'Megvii', 'lighthead/frcnn_lh_shufflenet_1x'),
    ('1.0 MobileNet-224, light head', 'timm', 'lighthead/frcnn_lh_mobilenet_v1'),
)
#: Keys of shufflenet_det.core.paper_numbers.DETECTION_MAP for each Table 7 backbone.
PAPER_KEYS = {
    'ShuffleNet 2x (g=3)': ('ShuffleNet 2x (g=3)',),
    'ShuffleNet 1x (g=3)': ('ShuffleNet 1x (g=3)',),
    '1.0 MobileNet-224': ('MobileNet v1 1.0 (MobileNets paper)', 'MobileNet v1 1.0 (ShuffleNet authors)'),
}
METRIC = 'coco/bbox_mAP'
NOT_RUN = 'not run'
OURS_ONLY = 'ours only'


@dataclass(frozen=True)
class Result:
    """One evaluation of a run.

    Attributes:
        map: COCO mAP[.5:.95] as a fraction (MMDetection's ``coco/bbox_mAP``).
        description: Where it comes from: test of which checkpoint, or validation after which epoch.
        final: Whether the evaluated model finished its schedule.
        file: The file the number was read from.
        annotations: The annotation file it was evaluated against.
        configs: Config files dumped into the work dir (the configs its runs were started with).
    """

    map: float
    description: str
    final: bool
    file: Path
    annotations: str
    configs: tuple[str, ...]


def run_config(run_dir: Path) -> Config:
    """The config a run used, as MMEngine dumped it into ``<timestamp>/vis_data/config.py``."""
    return Config.fromfile(str(run_dir / 'vis_data' / 'config.py'), import_custom_modules=False)


def find_result(work_dir: Path) -> Result | None:
    """The newest test evaluation in ``work_dir``, else its last validation, else None."""
    run_dirs = sorted((path for path in work_dir.glob('*') if (path / 'vis_data' / 'config.py').is_file()),
                      reverse=True)
    configs = tuple(sorted(path.name for path in work_dir.glob('*.py')))
    for run_dir in run_dirs:
        test_file = run_dir / f'{run_dir.name}.json'
        metrics = json.loads(test_file.read_text()) if test_file.is_file() else {}
        if METRIC in metrics:
            cfg = run_config(run_dir)
            checkpoint = Path(cfg.get('load_from') or 'unknown checkpoint').name
            epoch = re.fullmatch(r'epoch_(\d+)\.pth', checkpoint)
            final = epoch is not None and int(epoch[1]) == cfg.train_cfg.max_epochs
            return Result(metrics[METRIC], f'test of {checkpoint}', final, test_file,
                          cfg.test_evaluator.get('ann_file', '?'), configs)
    for run_dir in run_dirs:
        scalars = run_dir / 'vis_data' / 'scalars.json'
        if not scalars.is_file():
            continue
        validations = [entry for entry in map(json.loads, scalars.read_text().splitlines()) if METRIC in entry]
        if validations:
            cfg = run_config(run_dir)
            epoch, max_epochs = validations[-1]['step'], cfg.train_cfg.max_epochs
            return Result(validations[-1][METRIC], f'validation after epoch {epoch} of {max_epochs}',
                          epoch == max_epochs, scalars, cfg.val_evaluator.get('ann_file', '?'), configs)
    return None


def paper_cell(backbone: str, scale: int) -> str:
    """The paper's mAP (MobileNet: the MobileNets paper's and the ShuffleNet authors'); rows the paper does not
    have (the light head) say so."""
    if backbone not in PAPER_KEYS:
        return OURS_ONLY
    return ' / '.join(f'{DETECTION_MAP[key][scale]:.1f}' for key in PAPER_KEYS[backbone])


def result_row(name: str, scale: int, result: Result) -> dict:
    """One of our Table 7 results as a result file's row (mAP in percent)."""
    return {'config': name, 'scale': scale, 'bbox_mAP': round(100 * result.map, 2), 'final': result.final,
            'evaluation': result.description, 'annotations': result.annotations, 'file': str(result.file)}


def find_results(work_root: Path) -> list[tuple[str, int, Result]]:
    """(config name, scale, result) of every Table 7 config at each scale that has a result in ``work_root``."""
    found = []
    for _, _, config in ROWS:
        for scale in SCALES:
            name = scaled_config_name(Path(config).name, scale)
            result = find_result(work_root / name)
            if result is not None:
                found.append((name, scale, result))
    return found


def our_cell(row: dict | None) -> str:
    """Our mAP, starred when evaluated before the end of the schedule, or "not run"."""
    if row is None:
        return NOT_RUN
    return f'{row["bbox_mAP"]:.1f}' + ('' if row['final'] else '*')


def table7_table(rows: list[dict]) -> str:
    """Table 7: the paper's mAP beside ours (``rows``: :func:`result_row` dicts) for every config and scale."""
    by_name = {row['config']: row for row in rows}
    table = []
    for backbone, weights, config in ROWS:
        line = [backbone, weights, config]
        for scale in SCALES:
            line += [paper_cell(backbone, scale), our_cell(by_name.get(scaled_config_name(Path(config).name, scale)))]
        table.append(line)
    headers = ['backbone', 'ImageNet weights', 'config']
    for scale in SCALES:
        headers += [f'paper {scale}', f'ours {scale}']
    return markdown_table(headers, table)


def report(work_root: Path) -> str:
    """Table 7 with our results from ``work_root``, followed by where each of our numbers comes from."""
    results = find_results(work_root)
    sources = []
    for name, _, result in results:
        line = f'- {name}: {100 * result.map:.1f} mAP, {result.description}, on {result.annotations} ({result.file})'
        if f'{name}.py' not in result.configs:
            line += f'; the work dir holds runs of {", ".join(result.configs) or "no known config"}, '
            line += f'not of {name}.py'
        sources.append(line)
    rows = [result_row(name, scale, result) for name, scale, result in results]
    lines = ['COCO mAP[.5:.95] of Faster R-CNN at input scales 300 and 600: ShuffleNet paper Table 7 (trained on '
             'trainval35k, tested on minival) and ours (configs/<config>[_300].py, results in '
             f'{work_root}/<config name>/).', '', table7_table(rows), '',
             'MobileNet: the MobileNets paper\'s number / the ShuffleNet authors\' reimplementation.',
             'Light head: the light-head layout (configs/lighthead/, docs/light_head.md), not in the paper.',
             '* evaluated before the last epoch of its schedule.']
    if sources:
        lines += ['', 'Our numbers come from:'] + sources
    return '\n'.join(lines)
