"""A trained fused encoder as exported OpenVINO IR: embedding a new batch needs no PyTorch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from poster_assets.fusion.data import FusionData, whole
from poster_assets.models.openvino_runtime import compile_for_cpu
from poster_assets.models.ssl_encoder import MissingEncoderError


class FusionRuntime:
    def __init__(self, model_name: str, openvino_xml: Path, cache_dir: Path | None) -> None:
        if not openvino_xml.exists():
            raise MissingEncoderError(
                f"the exported encoder of {model_name} is missing ({openvino_xml}); "
                "materialize fusion_encoder again"
            )
        self._compiled = compile_for_cpu(openvino_xml, cache_dir, exact_f32=True)

    def embed(self, data: FusionData, batch: int = 256) -> np.ndarray:
        """(N, 128) embeddings of whole posters."""
        import torch

        chunks = []
        for start in range(0, len(data), batch):
            tokens = whole(data, torch.arange(start, min(start + batch, len(data))))
            inputs = [
                tokens.patches, tokens.text, tokens.text_box, tokens.text_flags,
                tokens.text_valid.float(), tokens.frames, tokens.frame_time,
                tokens.frame_valid.float(),
            ]  # fmt: skip
            # A model exported before frame tokens takes the first five inputs only, and one
            # exported before the poster's words token one text slot fewer.
            fed = [x.numpy() for x in inputs[: len(self._compiled.inputs)]]
            slots = self._compiled.inputs[1].get_partial_shape()[1]
            if slots.is_static and slots.get_length() < tokens.text.shape[1]:
                fed[1:5] = [x[:, : slots.get_length()] for x in fed[1:5]]
            chunks.append(np.asarray(self._compiled(fed)[0], np.float32))
        return np.concatenate(chunks) if chunks else np.zeros((0, 128), np.float32)
