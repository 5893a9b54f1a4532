"""Read box CSV files: one box per row, in the two layouts tools export.

- Without a header, ``image_path,xmin,ymin,xmax,ymax,label`` (keras-retinanet and others); a row
  ``image_path,,,,,`` is an image without objects.
- With a header naming the columns in any order, e.g. TensorFlow's ``filename,width,height,class,xmin,ymin,xmax,
  ymax`` (Roboflow's ``_annotations.csv``); ``width`` and ``height``, when present, are the recorded image size.

Coordinates are pixels with exclusive right and bottom edges. Image paths are relative to the CSV file's folder,
else to the source folder, else found by file name. A CSV named or placed in ``train``, ``val``/``valid`` or
``test`` gives its images that split.
"""

import csv
from pathlib import Path

from .image_files import ImageIndex
from .records import Problems, SourceBox, SourceData, SourceImage
from .splits import names_give_splits, split_named_by

#: Column -> the header names tools use for it.
COLUMN_NAMES = {
    'image': ('image_path', 'image', 'filename', 'file_name', 'file', 'path', 'image_name', 'img', 'image_id'),
    'xmin': ('xmin', 'x_min', 'x1', 'left'),
    'ymin': ('ymin', 'y_min', 'y1', 'top'),
    'xmax': ('xmax', 'x_max', 'x2', 'right'),
    'ymax': ('ymax', 'y_max', 'y2', 'bottom'),
    'label': ('label', 'class', 'class_name', 'category', 'name'),
    'width': ('width', 'image_width'),
    'height': ('height', 'image_height'),
}
HEADERLESS = ('image', 'xmin', 'ymin', 'xmax', 'ymax', 'label')


def _columns(header: list[str]) -> dict[str, int] | None:
    """Column -> index from a header row, or None when the row is data (its coordinates are numbers)."""
    names = [cell.strip().lower() for cell in header]
    found = {column: names.index(alias) for column, aliases in COLUMN_NAMES.items()
             for alias in aliases if alias in names}
    return found if {'image', 'xmin', 'ymin', 'xmax', 'ymax', 'label'} <= found.keys() else None


def _read_csv(path: Path, index: ImageIndex, problems: Problems, images: dict[tuple, SourceImage]) -> None:
    with path.open(newline='', encoding='utf-8-sig') as file:
        rows = list(csv.reader(file))
    if not any(any(cell.strip() for cell in row) for row in rows):
        problems.add('empty annotation', str(path))
        return
    columns = _columns(rows[0])
    start = 2 if columns is not None else 1
    if columns is None:
        columns = {column: position for position, column in enumerate(HEADERLESS)}
    width = max(columns.values()) + 1
    split = split_named_by(path)
    for line, row in enumerate(rows[start - 1:], start=start):
        if not any(cell.strip() for cell in row):
            continue
        where = f'{path} line {line}'
        if len(row) < width:
            problems.error(f'{where}: {len(row)} columns, expected {width} '
                           f'({", ".join(sorted(columns, key=columns.get))}): {",".join(row)!r}')
            continue
        cell = {column: row[position].strip() for column, position in columns.items()}
        key = (cell['image'], split)
        if key not in images:
            try:
                recorded = (int(cell['width']), int(cell['height'])) if cell.get('width') else None
            except ValueError:
                problems.error(f'{where}: width and height must be whole numbers, got {cell["width"]!r}, '
                               f'{cell["height"]!r}')
                continue
            images[key] = SourceImage(name=cell['image'], path=index.resolve(cell['image'], path), boxes=[],
                                      where=where, recorded_size=recorded, split=split)
        coordinates = [cell[column] for column in ('xmin', 'ymin', 'xmax', 'ymax')]
        if not any(coordinates) and not cell['label']:
            continue  # an image without objects
        try:
            x0, y0, x1, y1 = (float(value) for value in coordinates)
        except ValueError:
            problems.error(f'{where}: xmin, ymin, xmax, ymax must be numbers, got {coordinates}')
            continue
        if not cell['label']:
            problems.error(f'{where}: a box without a label')
            continue
        images[key].boxes.append(SourceBox(cell['label'], x0, y0, x1, y1, where))


def read_csv_boxes(source: Path, index: ImageIndex) -> SourceData:
    """Read ``source`` if it is a CSV file, else every ``.csv`` under it.

    Returns:
        The images in order of first appearance, with the split their CSV's name gives, if any.
    """
    problems = Problems()
    images: dict[tuple, SourceImage] = {}
    files = [source] if source.is_file() else index.annotation_files('.csv')
    for path in files:
        _read_csv(path, index, problems, images)
    has_split = names_give_splits(files)
    if not has_split:
        for image in images.values():
            image.split = None
    return SourceData(images=list(images.values()), classes=None, problems=problems, has_split=has_split)
