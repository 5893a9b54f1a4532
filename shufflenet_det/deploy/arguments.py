"""Command-line argument types shared by the device benchmark and the latency sweep."""

import argparse


def parse_size(text: str, min_side: int = 1) -> tuple[int, int]:
    """``'480x640'`` -> (480, 640) (height x width).

    Raises:
        argparse.ArgumentTypeError: If ``text`` is not two integers joined by ``x``, or a side is below ``min_side``.
    """
    parts = text.lower().split('x')
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise argparse.ArgumentTypeError(f'size must be HEIGHTxWIDTH in pixels, e.g. 480x640; got {text!r}')
    height, width = int(parts[0]), int(parts[1])
    if min(height, width) < max(min_side, 1):
        raise argparse.ArgumentTypeError(f'size {text!r} is too small: HEIGHTxWIDTH needs both sides at least '
                                         f'{max(min_side, 1)}')
    return height, width


def positive_int(text: str) -> int:
    """An integer >= 1 (argparse type)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f'expected an integer >= 1, got {text!r}')
    return int(text)


def non_negative_int(text: str) -> int:
    """An integer >= 0 (argparse type)."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f'expected an integer >= 0, got {text!r}')
    return int(text)
