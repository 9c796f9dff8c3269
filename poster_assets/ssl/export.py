"""The trained encoder as OpenVINO IR, so that embedding new posters needs no PyTorch."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
import torch
from torch import nn

from poster_assets.models.conversion import convert_model


def export_encoder(encoder: nn.Module, path: Path, size: int) -> Path:
    """Write `path` (.xml, with its .bin beside it) for (N, 3, size, size) input in [0, 1]."""
    encoder = encoder.eval()
    example = torch.zeros(1, 3, size, size)
    model = convert_model(encoder, example_input=example)
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path
