"""Find the image file an annotation names, and read what the conversion needs to know about it.

Annotation tools name images in many ways: a bare file name (VOC ``filename``, COCO ``file_name``), a path relative
to the annotation file (LabelMe ``imagePath``, often with Windows backslashes), an absolute path from the
annotator's machine (LabelImg ``path``). The index tries them in that order and falls back to the file name alone,
anywhere under the source folder; two files of that name make the reference ambiguous, which is an error.
"""

import io
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from PIL import Image, ImageOps, UnidentifiedImageError

from ..core.errors import DatasetError

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp', '.gif')
#: File formats and pixel modes that MMDetection's loader and the device runner decode alike: copied unchanged.
KEPT_FORMATS = ('JPEG', 'PNG')
KEPT_MODES = ('RGB', 'L')
#: Pixel modes that do not fit 8 bits per channel.
WIDE_MODES = ('I', 'I;16', 'I;16B', 'I;16L', 'I;16N', 'F')
EXIF_ORIENTATION = 0x0112
TRANSPOSING_ORIENTATIONS = (5, 6, 7, 8)  # the EXIF orientations that swap width and height


def reference_parts(reference: str) -> tuple[str, ...]:
    """The parts of a path as an annotation wrote it, with Windows or POSIX separators."""
    return PureWindowsPath(reference).parts if '\\' in reference else PurePosixPath(reference).parts


class ImageIndex:
    """The files under a source folder: images by file name, to resolve the names annotations give, and the rest."""

    def __init__(self, root: Path, exclude: Path | None = None) -> None:
        """Walk ``root`` once.

        Args:
            root: The source folder.
            exclude: A folder under ``root`` to leave out (the output, when it lies inside the source).
        """
        self.root = root
        self.by_name: dict[str, list[Path]] = {}
        self.others: list[Path] = []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith('.')
                                   and (exclude is None or Path(folder, name).resolve() != exclude.resolve()))
            for name in sorted(files):
                if name.lower().endswith(IMAGE_SUFFIXES):
                    self.by_name.setdefault(name, []).append(Path(folder, name))
                else:
                    self.others.append(Path(folder, name))

    def annotation_files(self, *suffixes: str) -> list[Path]:
        """The files under the root (outside hidden folders and the output) whose name ends in one of ``suffixes``."""
        return sorted(path for path in self.others if path.name.lower().endswith(suffixes))

    def images(self) -> list[Path]:
        """Every image file, sorted by path."""
        return sorted(path for paths in self.by_name.values() for path in paths)

    def with_stem(self, stem: str) -> list[Path]:
        """The image files named ``stem`` plus an image suffix (for names written without their suffix)."""
        return [path for suffix in IMAGE_SUFFIXES for name in (stem + suffix, stem + suffix.upper())
                for path in self.by_name.get(name, [])]

    def resolve(self, reference: str, near: Path) -> Path | None:
        """The image file ``reference`` names, or None when there is none.

        Args:
            reference: The image as the annotation names it.
            near: The annotation file; relative references are tried from its folder first.

        Raises:
            DatasetError: If only the file name matches and two or more files carry it equally near ``near``.
        """
        parts = reference_parts(reference.strip())
        if not parts:
            return None
        relative = Path(*parts)
        if not relative.is_absolute():
            for base in (near.parent, self.root):
                candidate = base / relative
                if candidate.is_file():
                    return candidate
        elif relative.is_file() and relative.resolve().is_relative_to(self.root.resolve()):
            return relative
        candidates = self.by_name.get(parts[-1], [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        return self._nearest(candidates, near, reference)

    def _nearest(self, candidates: list[Path], near: Path, reference: str) -> Path:
        """The candidate sharing the longest folder prefix with the annotation file; a tie is an error."""
        def shared(path: Path) -> int:
            return len(os.path.commonpath([path.resolve(), near.resolve()]))
        ranked = sorted(candidates, key=shared, reverse=True)
        if shared(ranked[0]) == shared(ranked[1]):
            tied = ', '.join(str(path) for path in ranked if shared(path) == shared(ranked[0]))
            raise DatasetError(f'{near} names image {reference!r}, and files of that name lie in several folders '
                               f'({tied}); give the path relative to the annotation file, or rename the files so '
                               'that each name is unique')
        return ranked[0]


@dataclass(frozen=True)
class ImageFacts:
    """What the conversion needs to know of one image file.

    Attributes:
        stored_size: ``(width, height)`` of the stored pixels.
        orientation: The EXIF orientation tag (1 when absent): how a viewer turns the stored pixels.
        mode: Pillow's pixel mode.
        format: Pillow's file format name.
    """

    stored_size: tuple[int, int]
    orientation: int
    mode: str
    format: str

    @property
    def shown_size(self) -> tuple[int, int]:
        """``(width, height)`` as a viewer shows the image, after its EXIF orientation."""
        width, height = self.stored_size
        return (height, width) if self.orientation in TRANSPOSING_ORIENTATIONS else (width, height)


def open_image(source: Path | bytes) -> Image.Image:
    """Open an image file, or encoded image bytes, with Pillow (lazily: pixels are decoded on first use)."""
    return Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)


def inspect_image(source: Path | bytes) -> ImageFacts:
    """Size, EXIF orientation, pixel mode and format of an image, without decoding its pixels.

    Raises:
        ValueError: If the file is not an image Pillow can read.
    """
    try:
        with open_image(source) as image:
            orientation = image.getexif().get(EXIF_ORIENTATION, 1)
            return ImageFacts(stored_size=image.size, orientation=orientation if orientation in range(1, 9) else 1,
                              mode=image.mode, format=image.format or '')
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(str(error)) from error


def needs_rewrite(facts: ImageFacts) -> str | None:
    """Why the image must be rewritten as an RGB PNG for every reader to see the same pixels, or None."""
    if facts.orientation != 1:
        return f'EXIF orientation {facts.orientation}'
    if facts.format not in KEPT_FORMATS:
        return f'{facts.format or "unknown"} file'
    if facts.mode not in KEPT_MODES:
        return f'{facts.mode} pixels'
    return None


def write_rgb_pngs(source: Path | bytes, apply_orientation: bool,
                   outputs: list[tuple[Path, tuple[int, int, int, int] | None]]) -> None:
    """Decode an image once, turn it as a viewer would (or not), and write it, or crops of it, as 8-bit RGB PNGs
    without EXIF.

    Args:
        source: The image file or encoded bytes.
        apply_orientation: Turn the pixels by the EXIF orientation (the annotation was drawn on the turned image).
        outputs: ``(destination, crop)`` pairs; ``crop`` is ``(left, top, right, bottom)``, or None for the whole.
    """
    with open_image(source) as image:
        turned = (ImageOps.exif_transpose(image) if apply_orientation else image).convert('RGB')
        for destination, crop in outputs:
            (turned.crop(crop) if crop is not None else turned).save(destination, format='PNG')
