"""The split an annotation file's name or folder gives: ``train.json``, ``instances_val2017.json``,
``valid/_annotations.csv``."""

from pathlib import Path

SPLIT_WORDS = {'train': 'train', 'val': 'val', 'valid': 'val', 'validation': 'val', 'test': 'test'}


def split_named_by(path: Path) -> str | None:
    """The split (``train``, ``val`` or ``test``) a word of the file's name or of its folder's name gives, or None.

    Args:
        path: An annotation file.

    Returns:
        The split, or None when no word names one. A split word may carry a year: ``val2017``.
    """
    words = path.stem.lower().replace('-', '_').replace('.', '_').split('_') + [path.parent.name.lower()]
    for word in words:
        for key, split in SPLIT_WORDS.items():
            if word == key or (word.startswith(key) and word[len(key):].isdigit()):
                return split
    return None


def names_give_splits(files: list[Path]) -> bool:
    """Whether the source's own split holds: several annotation files, each naming its split."""
    return len(files) > 1 and all(split_named_by(path) is not None for path in files)
