"""The fused encoder as OpenVINO IR, so that embedding a new batch needs no PyTorch."""

from __future__ import annotations

from pathlib import Path

import openvino as ov

from poster_assets.fusion.model import ExportedEncoder, FusionEncoder, example_inputs
from poster_assets.models.conversion import convert_model

INPUT_NAMES = (
    "patches", "text", "text_box", "text_flags", "text_valid", "frames", "frame_time",
    "frame_valid",
)  # fmt: skip


def export_fusion_encoder(encoder: FusionEncoder, path: Path) -> Path:
    """Write `path` (.xml, its .bin beside it); inputs INPUT_NAMES with a dynamic batch."""
    model = convert_model(
        ExportedEncoder(encoder.eval()),
        example_input=example_inputs(2),
        input=[
            (name, [-1, *shape[1:]])
            for name, shape in zip(INPUT_NAMES, (t.shape for t in example_inputs()), strict=True)
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path
