"""Shared test setup: register the project's modules and keep torch to the machine's cores."""

import torch

import shufflenet_det.datasets  # noqa: F401  (registers datasets and transforms)
import shufflenet_det.models  # noqa: F401  (registers backbones and heads)

torch.manual_seed(0)
