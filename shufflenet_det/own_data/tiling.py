"""Cut large images into overlapping square tiles for training: a box goes to every tile that shows at least
``min_visible`` of it (clipped to the tile); each tile records its image and offset."""

from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from ..core.errors import DatasetError
from ..deploy.tiled import tile_starts
from .records import ConvertedImage, Problems


@dataclass(frozen=True)
class TileGrid:
    """How images are tiled.

    Attributes:
        size: Tile side in pixels; images no larger than this in both sides are kept whole.
        overlap: Share of a tile shared with its neighbour, in [0, 1).
        min_visible: Least share of a box's area a tile must show for the box to be in it, in (0, 1].
    """

    size: int
    overlap: float = 0.2
    min_visible: float = 0.5

    def __post_init__(self) -> None:
        if self.size < 32:
            raise DatasetError(f'--tile {self.size}: give a tile side of at least 32 pixels')
        if not 0 <= self.overlap < 1:
            raise DatasetError(f'--overlap {self.overlap}: give a share in [0, 1), e.g. 0.2')
        if not 0 < self.min_visible <= 1:
            raise DatasetError(f'--min-visible {self.min_visible}: give a share in (0, 1], e.g. 0.5')


def _tile_boxes(image: ConvertedImage, left: int, top: int, width: int, height: int, grid: TileGrid,
                shown: set[int], problems: Problems) -> list[tuple[str, list[float], bool]]:
    """The boxes a tile shows enough of, in its pixels; adds the index of each to ``shown``."""
    kept = []
    for number, (label, (x, y, w, h), crowd) in enumerate(image.boxes):
        x0, y0 = max(x, left), max(y, top)
        x1, y1 = min(x + w, left + width), min(y + h, top + height)
        if x1 <= x0 or y1 <= y0:
            continue  # wholly in other tiles
        if (x1 - x0) * (y1 - y0) < grid.min_visible * w * h:
            problems.add('tile cut', f'{image.output_name} tile at ({left}, {top}): {label} [{x:g}, {y:g}, {w:g}, '
                                     f'{h:g}] shows {(x1 - x0) * (y1 - y0) / (w * h):.0%}')
            continue
        shown.add(number)
        kept.append((label, [round(x0 - left, 2), round(y0 - top, 2), round(x1 - x0, 2), round(y1 - y0, 2)], crowd))
    return kept


def tile_image(image: ConvertedImage, grid: TileGrid, problems: Problems) -> list[ConvertedImage]:
    """The tiles of ``image`` (the image itself when it fits in one tile), each a PNG crop with its boxes.

    A box that no tile shows ``min_visible`` of (one larger than a tile) is listed as lost.

    Returns:
        Images whose ``tile`` is ``(original output name, left, top)`` and whose ``output_name`` is
        ``<original name>_x<left>_y<top>.png``.
    """
    width, height = image.size
    if width <= grid.size and height <= grid.size:
        return [image]
    name = PurePosixPath(image.output_name)
    tiles, shown = [], set()
    for top in tile_starts(height, grid.size, grid.overlap):
        for left in tile_starts(width, grid.size, grid.overlap):
            tile_width, tile_height = min(grid.size, width - left), min(grid.size, height - top)
            tiles.append(replace(
                image, output_name=str(name.with_name(f'{name.stem}_x{left}_y{top}.png')),
                size=(tile_width, tile_height), tile=(image.output_name, left, top),
                boxes=_tile_boxes(image, left, top, tile_width, tile_height, grid, shown, problems)))
    for number, (label, box, _) in enumerate(image.boxes):
        if number not in shown:
            problems.add('lost in tiling', f'{image.output_name}: {label} {box} (no {grid.size} px tile shows '
                                           f'{grid.min_visible:.0%} of it; use larger tiles)')
    return tiles
