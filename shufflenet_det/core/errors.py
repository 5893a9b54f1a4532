"""The errors this project raises for bad input: the tools print their message alone, without a traceback."""


class ShufflenetDetError(Exception):
    """Base of the errors that name a problem with the user's input (config, checkpoint, data) and its fix."""


class ConfigError(ShufflenetDetError, ValueError):
    """A config key or value that cannot work: a misspelt option, an argument a component does not take."""


class CheckpointFileError(ShufflenetDetError, ValueError):
    """A checkpoint file that is not loaded: empty, not a PyTorch checkpoint, truncated, or holding code objects."""


class DatasetError(ShufflenetDetError, ValueError):
    """An annotation file that cannot be trained or evaluated on."""


class ResultFileError(ShufflenetDetError, ValueError):
    """A result file under results/ (or a table marker naming one) that a published table cannot be made from."""


class OutputPathError(ShufflenetDetError, ValueError):
    """An output path that cannot be written: a folder given as a file, a path under a file, a read-only or full
    disk, a folder without write permission."""


class TrainingDivergedError(ShufflenetDetError, RuntimeError):
    """A training whose loss, gradients or weights became NaN or infinite; it stops before saving them."""


class WorkDirBusyError(ShufflenetDetError, RuntimeError):
    """A work dir held by another training that is still running."""
