"""Fixtures of the device runner tests: the fixture model with the exported detectors' inputs and outputs."""

from pathlib import Path

import pytest
from onnx_fixture import write_fixture_model


@pytest.fixture(scope='session')
def fixture_model(tmp_path_factory) -> Path:
    """The fixture model (scale 64, longer side at most 96) with its sidecar, in a session temp folder."""
    return write_fixture_model(tmp_path_factory.mktemp('deploy_model'))
