"""Turn what a reader found into a checked COCO dataset: images copied (or rewritten), boxes in the frame of the
pixels, split into train and val, every skip and fix counted and listed.

Output layout::

    OUT/images/...                 the images, under their path in the source
    OUT/annotations/train.json     COCO detection files (and test.json when the source has a test split)
    OUT/annotations/val.json
    OUT/annotations/val_whole.json  with --tile: the val images whole, to score tiled detection on them
    OUT/summary.json               classes, counts per split and class, box sizes at the input scale, problems
"""

import json
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from ..core.errors import DatasetError
from ..deploy.preprocess import InputScale
from .image_files import WIDE_MODES, ImageFacts, inspect_image, needs_rewrite, write_rgb_pngs
from .records import ConvertedImage, Problems, SourceBox, SourceData, SourceImage
from .summary import dataset_summary
from .tiling import TileGrid, tile_image

SPLITS = ('train', 'val', 'test')
#: Written into summary.json: a folder holding it was made by this tool and may be rewritten by it.
MARKER = 'shufflenet_det.own_data'
CLIP_TOLERANCE = 1e-3  # pixels: coordinates this far outside the image are rounding, not a box to clip


@dataclass(frozen=True)
class SplitChoice:
    """How images are split.

    Attributes:
        mode: ``'source'`` (the source's own split), ``'random'``, or ``'auto'`` (the source's when it has one).
        val_fraction: Share of the images drawn for val in a random split.
        seed: Seed of the random split.
    """

    mode: str = 'auto'
    val_fraction: float = 0.2
    seed: int = 0


def check_output_folder(out: Path) -> None:
    """Refuse an output folder that holds files this tool did not write; clear one that it did (its images,
    annotations and config).

    Raises:
        DatasetError: If ``out`` is a file, or a non-empty folder without this tool's summary.json.
    """
    if out.is_file():
        raise DatasetError(f'--out {out} is a file; give a folder for the prepared dataset')
    if not out.is_dir() or not any(out.iterdir()):
        return
    try:
        earlier = json.loads((out / 'summary.json').read_text())
    except (OSError, ValueError):
        earlier = None
    if not isinstance(earlier, dict) or earlier.get('made_by') != MARKER:
        raise DatasetError(f'--out {out} is a folder holding other files; give a new or empty folder (this tool '
                           'rewrites only a folder it prepared before)')
    for name in ('images', 'annotations'):
        shutil.rmtree(out / name, ignore_errors=True)
    if isinstance(earlier.get('config'), str) and Path(earlier['config']).name == earlier['config']:
        (out / earlier['config']).unlink(missing_ok=True)


def _frame(image: SourceImage, facts: ImageFacts, problems: Problems) -> tuple[tuple[int, int], bool] | None:
    """The image size the boxes refer to and whether to turn the pixels by EXIF, or None when sizes disagree.

    The boxes follow the pixels a viewer shows (the EXIF-turned image). A recorded size equal to the stored,
    unturned pixels' instead tells that the tool ignored the orientation, and the stored pixels are kept.
    """
    recorded = image.recorded_size
    if recorded is None or recorded == facts.shown_size:
        return facts.shown_size, True
    if recorded == facts.stored_size:
        return facts.stored_size, False
    (rw, rh), (fw, fh) = recorded, facts.shown_size
    problems.add('size mismatch', f'{image.where}: recorded {rw}x{rh}, but {image.path or image.name} is {fw}x{fh}; '
                                  're-annotate or re-export it with the image as it is')
    return None


def _convert_box(box: SourceBox, size: tuple[int, int], classes: set[str],
                 problems: Problems) -> tuple[str, list[float], bool] | None:
    width, height = size
    x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
    if box.normalized:
        x0, x1, y0, y1 = x0 * width, x1 * width, y0 * height, y1 * height
    if box.label not in classes:
        problems.add('unknown label', f'{box.where}: {box.label!r}')
        return None
    if x1 <= x0 or y1 <= y0:
        problems.add('empty box', f'{box.where}: {x1 - x0:g} x {y1 - y0:g} px')
        return None
    cx0, cy0, cx1, cy1 = max(x0, 0.0), max(y0, 0.0), min(x1, float(width)), min(y1, float(height))
    if cx1 <= cx0 or cy1 <= cy0:
        problems.add('outside', f'{box.where}: [{x0:g}, {y0:g}, {x1:g}, {y1:g}] in a {width}x{height} image')
        return None
    if max(cx0 - x0, cy0 - y0, x1 - cx1, y1 - cy1) > CLIP_TOLERANCE:
        problems.add('clipped', f'{box.where}: [{x0:g}, {y0:g}, {x1:g}, {y1:g}] in a {width}x{height} image')
    if box.crowd:
        problems.add('crowd', box.where)
    return box.label, [round(cx0, 2), round(cy0, 2), round(cx1 - cx0, 2), round(cy1 - cy0, 2)], box.crowd


def _output_name(image: SourceImage, source_root: Path, facts: ImageFacts, rewrite: str | None,
                 taken: set[str]) -> str:
    """A unique name under ``images/``: the image's path in the source, ``.png`` when rewritten."""
    if image.path is not None and image.path.resolve().is_relative_to(source_root.resolve()):
        name = PurePosixPath(*image.path.resolve().relative_to(source_root.resolve()).parts)
    else:
        name = PurePosixPath(Path(image.name.replace('\\', '/')).name or 'image')
    if rewrite is not None:
        name = name.with_suffix('.png')
    elif image.path is None:
        name = name.with_suffix('.' + facts.format.lower().replace('jpeg', 'jpg'))
    candidate, number = str(name), 1
    while candidate.lower() in taken:
        number += 1
        candidate = str(name.with_stem(f'{name.stem}_{number}'))
    taken.add(candidate.lower())
    return candidate


def _convert_image(image: SourceImage, source_root: Path, classes: set[str], problems: Problems,
                   taken: set[str]) -> ConvertedImage | None:
    content = image.path if image.path is not None else image.embedded
    if content is None:
        problems.add('missing image', f'{image.where}: {image.name}')
        return None
    if image.path is None:
        problems.add('embedded image', f'{image.where}: {image.name}')
    try:
        facts = inspect_image(content)
    except ValueError as error:
        problems.add('unreadable image', f'{image.path or image.where}: {error}')
        return None
    if facts.mode in WIDE_MODES:
        problems.add('unsupported pixels', f'{image.path or image.where}: {facts.mode} pixels; save it as an '
                                           '8-bit image')
        return None
    frame = _frame(image, facts, problems)
    if frame is None:
        return None
    size, apply_orientation = frame
    rewrite = needs_rewrite(facts)
    boxes = [converted for box in image.boxes
             if (converted := _convert_box(box, size, classes, problems)) is not None]
    name = _output_name(image, source_root, facts, rewrite, taken)
    if rewrite is not None:
        problems.add('rewritten', f'{image.path or image.where}: {rewrite}')
    return ConvertedImage(image, facts, name, rewrite, apply_orientation, size, boxes, image.split)


def _check_unique_files(images: list[SourceImage]) -> None:
    seen: dict[Path, SourceImage] = {}
    for image in images:
        if image.path is None:
            continue
        key = image.path.resolve()
        if key in seen:
            raise DatasetError(f'image {image.path} is annotated twice, by {seen[key].where} and by {image.where}; '
                               'keep one annotation per image')
        seen[key] = image


def _assign_splits(images: list[ConvertedImage], choice: SplitChoice, has_split: bool,
                   problems: Problems) -> list[ConvertedImage]:
    mode = ('source' if has_split else 'random') if choice.mode == 'auto' else choice.mode
    if mode == 'source':
        if not has_split:
            raise DatasetError('--split source: this source has no split of its own (VOC ImageSets/Main lists, '
                               'YOLO data.yaml train/val, or train/val files); use --split random')
        for image in images:
            if image.split is None:
                problems.add('not in split lists', f'{image.source.where}: {image.source.name}')
        images = [image for image in images if image.split is not None]
        if not any(image.split == 'val' for image in images):
            raise DatasetError("the source's own split has no val images; use --split random --val-fraction F")
        return images
    if len(images) < 2:
        raise DatasetError(f'{len(images)} usable image(s): a random split needs at least 2 (one train, one val)')
    order = sorted(range(len(images)), key=lambda number: images[number].output_name)
    random.Random(choice.seed).shuffle(order)
    val_count = min(len(images) - 1, max(1, round(choice.val_fraction * len(images))))
    for rank, number in enumerate(order):
        images[number].split = 'val' if rank < val_count else 'train'
    return images


def _write_split(images: list[ConvertedImage], classes: list[str], path: Path) -> None:
    category_ids = {name: number for number, name in enumerate(classes, start=1)}
    coco = dict(images=[], annotations=[], categories=[dict(id=category_ids[name], name=name) for name in classes])
    for image_id, image in enumerate(sorted(images, key=lambda item: item.output_name), start=1):
        width, height = image.size
        entry = dict(id=image_id, file_name=image.output_name, width=width, height=height)
        if image.tile is not None:
            entry['tile'] = dict(image=image.tile[0], x=image.tile[1], y=image.tile[2])
        coco['images'].append(entry)
        for label, bbox, crowd in image.boxes:
            coco['annotations'].append(dict(id=len(coco['annotations']) + 1, image_id=image_id,
                                            category_id=category_ids[label], bbox=bbox,
                                            area=round(bbox[2] * bbox[3], 2), iscrowd=int(crowd)))
    path.write_text(json.dumps(coco) + '\n')


def _write_images(images: list[ConvertedImage], folder: Path) -> None:
    """Write the images: copied unchanged where they can be, else decoded once and written (or cut into tiles)."""
    by_source: dict[int, dict[str, ConvertedImage]] = {}
    for image in images:
        by_source.setdefault(id(image.source), {})[image.output_name] = image
    for group in by_source.values():
        decoded = []
        for image in group.values():
            (folder / image.output_name).parent.mkdir(parents=True, exist_ok=True)
            content = image.source.path if image.source.path is not None else image.source.embedded
            if image.rewrite is not None or image.tile is not None:
                decoded.append(image)
            elif isinstance(content, bytes):
                (folder / image.output_name).write_bytes(content)
            else:
                shutil.copyfile(content, folder / image.output_name)
        if decoded:
            write_rgb_pngs(content, decoded[0].apply_orientation, [
                (folder / image.output_name, None if image.tile is None else (
                    image.tile[1], image.tile[2], image.tile[1] + image.size[0], image.tile[2] + image.size[1]))
                for image in decoded])


def class_list(source: SourceData, requested: list[str] | None) -> list[str]:
    """The classes: those requested, else those the source declares, else every label seen, sorted.

    Raises:
        DatasetError: If a requested name is repeated, or there is no class at all.
    """
    if requested:
        if len(set(requested)) < len(requested):
            raise DatasetError(f'--classes names a class twice: {requested}')
        return list(requested)
    classes = source.classes or sorted({box.label for image in source.images for box in image.boxes})
    if not classes:
        raise DatasetError('the annotations hold no boxes and no class names; check --format and the folder')
    return classes


def convert_dataset(source: SourceData, source_root: Path, out: Path, scale: InputScale, split: SplitChoice,
                    requested_classes: list[str] | None = None, description: dict | None = None,
                    tiles: TileGrid | None = None) -> dict:
    """Check, split and write the dataset, and its summary.

    Args:
        source: What the reader found.
        source_root: The folder the images' output paths are taken relative to.
        out: The output folder (``check_output_folder`` first).
        scale: The input scale training will use, for the box-size counts.
        split: How to split.
        requested_classes: Class names to keep, in this order (others are listed as skipped), or None for all.
        description: Extra entries for summary.json (source, format, command).
        tiles: Cut images larger than a tile into tiles (after the split, so that one image's tiles share it),
            or None to keep them whole.

    Returns:
        The summary, as written to ``out/summary.json``.

    Raises:
        DatasetError: For malformed files (all listed), an image annotated twice, no usable box, or a split
            without val images.
    """
    source.problems.raise_errors(source_root)
    _check_unique_files(source.images)
    classes = class_list(source, requested_classes)
    problems, taken = source.problems, set()
    converted = [image for item in source.images
                 if (image := _convert_image(item, source_root, set(classes), problems, taken)) is not None]
    if not any(image.boxes for image in converted):
        raise DatasetError(f'no usable box in {source_root}: {problems.describe()}')
    converted = _assign_splits(converted, split, source.has_split, problems)
    whole = []  # with tiles, the val and test images also whole, to score tiled detection on them
    if tiles is not None:
        whole = [image for image in converted if image.split != 'train']
        converted = [tile for image in converted for tile in tile_image(image, tiles, problems)]
    (out / 'annotations').mkdir(parents=True, exist_ok=True)
    _write_images(converted + whole, out / 'images')
    per_split = {name: [image for image in converted if image.split == name] for name in SPLITS}
    for name, images in per_split.items():
        if images:
            _write_split(images, classes, out / 'annotations' / f'{name}.json')
    for name in SPLITS[1:]:
        if any(image.split == name for image in whole):
            _write_split([image for image in whole if image.split == name], classes,
                         out / 'annotations' / f'{name}_whole.json')
    summary = dict(made_by=MARKER, **(description or {}),
                   **({} if tiles is None else dict(tiles=asdict(tiles))),
                   **dataset_summary(per_split, classes, scale, problems))
    (out / 'summary.json').write_text(json.dumps(summary, indent=2) + '\n')
    return summary
