"""Read YOLO txt labels: one ``class cx cy w h`` line per box, normalised to the image size.

Class names come from ``data.yaml`` (Ultralytics and Roboflow: ``names`` as a list or a ``{number: name}`` map,
``train``/``val``/``test`` as folders or list files relative to ``path``) or ``classes.txt`` / ``obj.names`` (one
name per line: LabelImg, CVAT). An image's label file is the ``.txt`` of the same stem under the ``labels`` folder
that mirrors its ``images`` folder, or beside it. An image without a label file, or with an empty one, has no
objects (YOLO's background images). Segment lines (``class x1 y1 x2 y2 ...``) count as the box around their points.
"""

from pathlib import Path

import yaml

from ..core.errors import DatasetError
from .image_files import ImageIndex
from .records import Problems, SourceBox, SourceData, SourceImage

YAML_NAMES = ('data.yaml', 'dataset.yaml', 'data.yml')
NAME_LISTS = ('classes.txt', 'obj.names', 'classes.names')
SPLIT_KEYS = (('train', 'train'), ('val', 'val'), ('valid', 'val'), ('test', 'test'))


def _yaml_classes(path: Path) -> tuple[list[str], dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding='utf-8-sig'))
    except yaml.YAMLError as error:
        raise DatasetError(f'{path} is not valid YAML ({error}); repair it') from error
    names = data.get('names') if isinstance(data, dict) else None
    if isinstance(names, dict) and all(isinstance(key, int) for key in names):
        if sorted(names) != list(range(len(names))):
            raise DatasetError(f'{path}: names are numbered {sorted(names)}; YOLO numbers classes 0, 1, 2, ... '
                               'without gaps')
        names = [names[key] for key in range(len(names))]
    if not (isinstance(names, list) and names and all(isinstance(name, str | int) for name in names)):
        raise DatasetError(f'{path} has no class names: write them as `names: [cat, dog]` or `names: {{0: cat, '
                           '1: dog}}`')
    return [str(name).strip() for name in names], data


def _split_folders(data: dict, yaml_path: Path) -> dict[str, list[Path]]:
    """Split -> the folders or list files ``data.yaml`` gives, resolved as Ultralytics resolves them."""
    root = Path(data['path']) if data.get('path') else yaml_path.parent
    root = root if root.is_absolute() else yaml_path.parent / root
    folders = {}
    for key, split in SPLIT_KEYS:
        entries = data.get(key)
        for entry in entries if isinstance(entries, list) else [entries] if entries else []:
            location = root / str(entry)
            if not location.exists() and str(entry).startswith('../'):  # Roboflow's exports point one level up
                location = root / str(entry)[3:]
            if not location.exists():
                raise DatasetError(f'{yaml_path}: {key}: {entry} resolves to {location}, which does not exist; '
                                   'fix the path (relative to `path`, or to the YAML file without one)')
            folders.setdefault(split, []).append(location)
    return folders


def _label_file(image: Path) -> Path:
    """The label file of ``image``: ``.../labels/...`` mirroring its last ``images`` folder, else beside it."""
    parts = image.with_suffix('.txt').parts
    if 'images' in parts:
        last = len(parts) - 1 - parts[::-1].index('images')
        mirrored = Path(*parts[:last], 'labels', *parts[last + 1:])
        if mirrored.is_file():
            return mirrored
    return image.with_suffix('.txt')


def _parse_line(values: list[str], where: str, classes: list[str], problems: Problems) -> SourceBox | None:
    try:
        number, coordinates = float(values[0]), [float(value) for value in values[1:]]
    except ValueError:
        problems.error(f'{where}: not numbers: {" ".join(values)!r} (expected `class cx cy w h`, normalised)')
        return None
    if len(coordinates) == 4:
        cx, cy, w, h = coordinates
        x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    elif len(coordinates) >= 6 and len(coordinates) % 2 == 0:
        xs, ys = coordinates[0::2], coordinates[1::2]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    else:
        problems.error(f'{where}: {len(values)} values; a YOLO line is `class cx cy w h` or a segment `class x1 y1 '
                       'x2 y2 x3 y3 ...`')
        return None
    if not number.is_integer() or not 0 <= number < len(classes):
        problems.add('unknown label', f'{where}: class {values[0]} (the {len(classes)} classes are numbered '
                                      f'0-{len(classes) - 1})')
        return None
    return SourceBox(classes[int(number)], x0, y0, x1, y1, where, normalized=True)


def _read_labels(image: Path, classes: list[str], problems: Problems) -> list[SourceBox]:
    label_file = _label_file(image)
    if not label_file.is_file():
        return []
    boxes = []
    for line_number, line in enumerate(label_file.read_text(encoding='utf-8-sig').splitlines(), start=1):
        values = line.split()
        if values:
            box = _parse_line(values, f'{label_file} line {line_number}', classes, problems)
            if box is not None:
                boxes.append(box)
    return boxes


def _images_in(location: Path, index: ImageIndex) -> list[Path]:
    """The images of a split folder, or of a list file naming one image per line."""
    if location.is_dir():
        return [path for path in index.images() if path.resolve().is_relative_to(location.resolve())]
    lines = [line.strip() for line in location.read_text(encoding='utf-8-sig').splitlines() if line.strip()]
    return [Path(line) if Path(line).is_absolute() else location.parent / line for line in lines]


def read_yolo(source: Path, index: ImageIndex) -> SourceData:
    """Read YOLO labels for every image under ``source`` (or the splits its ``data.yaml`` lists; ``source`` may be
    that YAML file).

    Raises:
        DatasetError: If ``source`` has no ``data.yaml`` or ``classes.txt`` with the class names, or they are
            malformed.
    """
    if source.is_file():  # the data.yaml itself
        source, yaml_path = source.parent, source
    else:
        yaml_path = next((source / name for name in YAML_NAMES if (source / name).is_file()), None)
    list_path = next((source / name for name in NAME_LISTS if (source / name).is_file()), None)
    problems = Problems()
    splits: dict[str, list[Path]] = {}
    if yaml_path is not None:
        classes, data = _yaml_classes(yaml_path)
        splits = _split_folders(data, yaml_path)
    elif list_path is not None:
        classes = [line.strip() for line in list_path.read_text(encoding='utf-8-sig').splitlines() if line.strip()]
    else:
        raise DatasetError(f'{source} has no data.yaml or classes.txt: YOLO labels hold class numbers, so the names '
                           'must be given, one per line in classes.txt (line 1 is class 0) or as `names:` in '
                           'data.yaml')
    if not classes:
        raise DatasetError(f'{list_path} lists no class names; write one per line (line 1 is class 0)')
    if len(set(classes)) < len(classes):
        raise DatasetError(f'{yaml_path or list_path} names a class twice: {classes}; class names must be unique')

    images = []
    listed = [(split, path) for split, locations in splits.items()
              for location in locations for path in _images_in(location, index)]
    seen: dict[Path, str] = {}
    for split, path in listed or [(None, path) for path in index.images()]:
        if path.resolve() in seen:
            problems.error(f'{path} is in both the {seen[path.resolve()]} and the {split} images of {yaml_path}; '
                           'give each image one split (a val image seen in training inflates the mAP)')
            continue
        seen[path.resolve()] = split
        if not path.is_file():
            problems.add('missing image', f'{path} (listed in {yaml_path})')
            continue
        images.append(SourceImage(name=str(path.relative_to(source)) if path.is_relative_to(source) else str(path),
                                  path=path, boxes=_read_labels(path, classes, problems), where=str(_label_file(path)),
                                  split=split))
    used = {_label_file(image.path) for image in images} | {path for paths in splits.values() for path in paths}
    _orphan_labels(index, used, problems)
    return SourceData(images=images, classes=classes, problems=problems, has_split=bool(splits))


def _orphan_labels(index: ImageIndex, used: set[Path], problems: Problems) -> None:
    """List each label file that no image reads (its image is missing); other text files are left alone."""
    for path in index.annotation_files('.txt'):
        if path in used or path.name in NAME_LISTS:
            continue
        first = next((line.split() for line in path.read_text(encoding='utf-8-sig').splitlines() if line.strip()), [])
        if first and first[0].isdigit():
            problems.add('missing image', f'{path}: a label file with no image of stem {path.stem!r}')
