"""The records the conversion passes on: images and boxes as the annotation tool wrote them, the images ready to
be written, and what was skipped or fixed."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import DatasetError
from .image_files import ImageFacts

#: Why something was skipped or changed, as counting key: description. Every skip and fix is counted and listed.
PROBLEM_KINDS = {
    # skipped boxes
    'empty box': 'boxes of zero or negative width or height (skipped)',
    'outside': 'boxes wholly outside their image (skipped)',
    'unknown label': 'boxes whose label is not in the class list (skipped)',
    'no box shape': 'shapes without an area, such as points and lines (skipped)',
    # skipped images
    'missing image': 'images named by an annotation but not found (skipped with their boxes)',
    'unreadable image': 'image files that cannot be read (skipped with their boxes)',
    'size mismatch': "images whose recorded size is not the file's (skipped with their boxes)",
    'unsupported pixels': 'images of 16-bit or floating-point pixels (skipped with their boxes)',
    'empty annotation': 'empty annotation files (skipped)',
    'not in split lists': "images in none of the source's split lists (skipped)",
    'lost in tiling': 'boxes larger than any tile shows --min-visible of (skipped)',
    'tile cut': 'boxes a tile shows less than --min-visible of (left out of that tile only)',
    # fixed, nothing lost
    'clipped': 'boxes partly outside their image (clipped to it)',
    'rewritten': 'images rewritten as RGB PNG (EXIF rotation, pixel format or file format)',
    'embedded image': 'images taken from the image data embedded in a LabelMe file',
    'crowd': 'boxes marked difficult (VOC) or iscrowd (COCO): kept as crowd boxes, which training and COCO '
             'evaluation ignore',
}
#: How many entries of each kind the printed summary shows (summary.json lists them all).
SHOWN_PER_KIND = 5


@dataclass
class SourceBox:
    """One box as the annotation file gives it.

    Attributes:
        label: The class name (or, for YOLO, the class number as text until the names are known).
        x0: Left edge in pixels (or as a fraction of the image width when ``normalized``).
        y0: Top edge.
        x1: Right edge (exclusive pixel edge: a box over the whole image ends at its width).
        y1: Bottom edge.
        where: The file and line or entry it came from, for messages.
        normalized: Whether the coordinates are fractions of the image size (YOLO).
        crowd: Whether evaluation and training ignore it (COCO ``iscrowd``, VOC ``difficult``).
    """

    label: str
    x0: float
    y0: float
    x1: float
    y1: float
    where: str
    normalized: bool = False
    crowd: bool = False


@dataclass
class SourceImage:
    """One image and its boxes as the annotation names them.

    Attributes:
        name: The image as the annotation names it, for messages.
        path: The image file found for it, or None when there is none.
        boxes: Its boxes.
        where: The annotation file (and line or entry) that names it.
        recorded_size: ``(width, height)`` the annotation records, or None when it records none.
        split: The source's own split (``train``, ``val`` or ``test``), or None.
        embedded: Encoded image bytes carried by the annotation itself (LabelMe ``imageData``), or None.
    """

    name: str
    path: Path | None
    boxes: list[SourceBox]
    where: str
    recorded_size: tuple[int, int] | None = None
    split: str | None = None
    embedded: bytes | None = None


@dataclass
class Problems:
    """Everything skipped or fixed while reading and converting, counted per kind and listed, and the errors."""

    listed: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, entry: str) -> None:
        """Record one skipped or fixed item of ``kind`` (a key of ``PROBLEM_KINDS``) described by ``entry``."""
        if kind not in PROBLEM_KINDS:
            raise KeyError(f'unknown problem kind {kind!r}')
        self.listed.setdefault(kind, []).append(entry)

    def error(self, message: str) -> None:
        """Record a problem that stops the conversion once every file has been read (all are reported)."""
        self.errors.append(message)

    def counts(self) -> Counter:
        """The number of entries per kind."""
        return Counter({kind: len(entries) for kind, entries in self.listed.items()})

    def describe(self) -> str:
        """Each kind in words with its count, e.g. ``2 boxes of zero or negative width or height (skipped)``."""
        counts = self.counts()
        return '; '.join(f'{counts[kind]} {PROBLEM_KINDS[kind]}' for kind in PROBLEM_KINDS if counts[kind]) or 'none'

    def raise_errors(self, source: Path) -> None:
        """Raise one ``DatasetError`` listing every recorded error, if there is any.

        Raises:
            DatasetError: Naming each malformed file and line, and the fix.
        """
        if not self.errors:
            return
        shown = self.errors[:10]
        more = f'\n  ... and {len(self.errors) - 10} more' if len(self.errors) > 10 else ''
        count = (f'{len(self.errors)} problems in {source} stop' if len(self.errors) > 1
                 else f'1 problem in {source} stops')
        raise DatasetError(f'{count} the conversion; fix the files named (or remove them) and run again:\n  '
                           + '\n  '.join(shown) + more)


@dataclass
class SourceData:
    """What a reader found: the images, the class names the source declares, and the problems.

    Attributes:
        images: Every image the annotations name, in a stable order.
        classes: Class names in the source's own order (YOLO names, COCO categories), or None when the source
            declares none and the labels seen make the list.
        problems: Skips and fixes so far, and errors.
        has_split: Whether the source splits its images itself (an image with no split is then in none).
    """

    images: list[SourceImage]
    classes: list[str] | None
    problems: Problems
    has_split: bool = False


@dataclass
class ConvertedImage:
    """An image ready to be written: where from, where to, how, and its boxes in pixels of the written image."""

    source: SourceImage
    facts: ImageFacts
    output_name: str
    rewrite: str | None
    apply_orientation: bool
    size: tuple[int, int]
    boxes: list[tuple[str, list[float], bool]]  # (label, [x, y, w, h], crowd)
    split: str | None = None
    tile: tuple[str, int, int] | None = None  # (the whole image's output name, left, top) of a tile
