"""Keep model building and export from flooding the terminal while a progress bar runs."""

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_build() -> Iterator[None]:
    """Silence MMEngine's weight-initialisation log and the exporters' tracer warnings inside the block."""
    from mmengine.logging import MMLogger

    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            yield
    finally:
        logger.setLevel(level)
