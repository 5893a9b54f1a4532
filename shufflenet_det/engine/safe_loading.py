"""Make MMEngine read every local checkpoint through the project's safe loading rule."""

from mmengine.runner import CheckpointLoader

from ..checkpoints.loading import read_checkpoint


def use_safe_checkpoint_loading() -> None:
    """Route MMEngine's loading of local files (``load_from``, ``--resume``, ``init_cfg``) to ``read_checkpoint``.

    ``read_checkpoint`` loads with ``weights_only=True`` and lets MMEngine's own training state through, so no
    file, whoever named it, can run code while it is loaded. Called when :mod:`shufflenet_det.engine` is imported.
    """
    CheckpointLoader.register_scheme(prefixes='', loader=_load_local, force=True)


def _load_local(filename: str, map_location: str | None = None) -> dict:
    return read_checkpoint(filename, map_location=map_location)
