"""Build any setting's case with the builder registered for its kind of model."""

from . import classifiers, detectors, peers  # noqa: F401  (each registers its case builder)
from .case import CASE_BUILDERS, Case, Setting


def build_case(setting: Setting) -> Case:
    """Build the model of ``setting`` with random weights, and its input."""
    return CASE_BUILDERS[setting.model.builder](setting)
