"""Shared test setup: register the project's modules and keep torch to the machine's cores."""

import torch

import shufflenet_det  # noqa: F401  (registers backbones, heads and datasets)

torch.manual_seed(0)
