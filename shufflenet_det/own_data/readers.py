"""Pick the reader of an annotation format and give it the source's files."""

from collections.abc import Callable
from pathlib import Path

from ..core.errors import DatasetError
from .coco_source import read_coco
from .csv_boxes import read_csv_boxes
from .image_files import ImageIndex
from .labelme import read_labelme
from .records import SourceData
from .voc import read_voc
from .yolo import read_yolo

READERS: dict[str, Callable[[Path, ImageIndex], SourceData]] = {
    'voc': read_voc, 'yolo': read_yolo, 'csv': read_csv_boxes, 'labelme': read_labelme, 'coco': read_coco,
}
#: What a source of each format looks like, for the message when nothing was found.
LAYOUTS = {
    'voc': 'a folder of Pascal VOC .xml files (a VOCdevkit, or LabelImg/CVAT output) and their images',
    'yolo': 'a folder with data.yaml or classes.txt, the images and their .txt label files',
    'csv': 'a .csv file (image_path,xmin,ymin,xmax,ymax,label) or a folder of them, and the images',
    'labelme': 'a folder of LabelMe .json files and their images',
    'coco': 'a COCO .json file, or a folder of them, and the images',
}


def source_root(source: Path) -> Path:
    """The folder whose files make the dataset: ``source`` itself, or the folder of a single annotation file."""
    return source.parent if source.is_file() else source


def read_source(source: Path, annotation_format: str, out: Path | None = None) -> SourceData:
    """Read an annotated dataset.

    Args:
        source: The folder (or, for CSV and COCO, the file) holding the annotations; images lie under its folder.
        annotation_format: One of ``READERS``.
        out: The output folder, left out of the search when it lies inside the source.

    Returns:
        What the reader found.

    Raises:
        FileNotFoundError: If ``source`` does not exist.
        DatasetError: If the format is unknown, or the source holds no annotation of that format.
    """
    if not source.exists():
        raise FileNotFoundError(f'{source} does not exist; give the folder holding your annotations and images')
    if annotation_format not in READERS:
        raise DatasetError(f'unknown format {annotation_format!r}; choose one of {", ".join(READERS)}')
    data = READERS[annotation_format](source, ImageIndex(source_root(source), exclude=out))
    if not data.images and not data.problems.errors:
        found = f' (only: {data.problems.describe()})' if data.problems.listed else ''
        raise DatasetError(f'found no {annotation_format} annotations in {source}{found}; --format '
                           f'{annotation_format} expects {LAYOUTS[annotation_format]}')
    return data
