"""A pretrained poster encoder as exported OpenVINO IR: embedding posters needs no PyTorch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from poster_assets.errors import ModelMissingError
from poster_assets.home import PosterHome
from poster_assets.models.openvino_runtime import ThreadedInfer, compile_for_cpu

# Training squashes every poster to this 2:3 size first (ssl/data.py); embedding must too.
POSTER_HEIGHT, POSTER_WIDTH = 192, 128


class ExportedEncoder(Protocol):
    """What is needed of a registered model (store.trained_models.TrainedModel)."""

    model_name: str
    openvino_xml: str  # relative to the home
    input_size: int


class MissingEncoderError(ModelMissingError, FileNotFoundError):
    """A registered encoder's exported IR is not where its row says."""


def encoder_input(rgb: np.ndarray, size: int) -> np.ndarray:
    """(3, size, size) float32 in [0, 1]: the poster squashed as in training (first to the
    training tensor's 2:3 size, then to the square input)."""
    poster = cv2.resize(rgb, (POSTER_WIDTH, POSTER_HEIGHT), interpolation=cv2.INTER_AREA)
    square = cv2.resize(poster, (size, size), interpolation=cv2.INTER_LINEAR)
    return (square.astype(np.float32) / 255.0).transpose(2, 0, 1)


@dataclass
class SslEncoder:
    model_name: str
    input_size: int
    infer: ThreadedInfer

    def embed(self, rgbs: list[np.ndarray]) -> np.ndarray:
        """(len(rgbs), dimensions) float32 features of whole posters."""
        batch = np.stack([encoder_input(rgb, self.input_size) for rgb in rgbs])
        return np.asarray(self.infer(batch)[0], dtype=np.float32)


def load_ssl_encoder(
    model_name: str, openvino_xml: Path, input_size: int, cache_dir: Path | None
) -> SslEncoder:
    if not openvino_xml.exists():
        raise MissingEncoderError(
            f"the exported encoder of {model_name} is missing ({openvino_xml}); "
            "materialize ssl_encoder again"
        )
    compiled = compile_for_cpu(openvino_xml, cache_dir, exact_f32=True)
    return SslEncoder(model_name, input_size, ThreadedInfer(compiled))


def load_trained_encoder(home: PosterHome, model: ExportedEncoder) -> SslEncoder:
    """A registered model's IR, found relative to its home, compiled with the home's cache."""
    return load_ssl_encoder(
        model.model_name, home.root / model.openvino_xml, model.input_size, home.openvino_cache_dir
    )
