"""ImageNet features from EfficientNet-Lite3 (int8, packaged), on OpenVINO.

Chosen over the other packaged ImageNet networks because it runs as it ships (the MobileNetV2
and EfficientNet-Lite0 packages hold PyTorch state dicts that need model code we would have
to write), it is the most accurate of them on ImageNet (~80 % top-1 against ~72-75 %), and
it takes ~8 ms a pass here. The network is cut before its average pool, so one pass gives
the whole (9 x 9 x 1280) feature map: pooled over everything it is the usual embedding, and
pooled inside a mask it describes one region of the poster."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from poster_assets.models.openvino_runtime import (
    ThreadedInfer,
    compile_for_cpu,
    packaged_model_cache,
    with_outputs,
)
from poster_assets.models.packaged import EFFICIENTNET_LITE3, EMBEDDING_MODEL_NAME
from poster_assets.models.process_models import load_once

EMBEDDING_INPUT_SIZE = 280
EMBEDDING_DIMENSIONS = 1280


def _feature_map_part(model: ov.Model) -> ov.Model:
    """The network up to the input of its final average pool (the last 1280-channel map),
    without the classifier after it."""
    pools = [op for op in model.get_ordered_ops() if op.get_type_name() == "AvgPool"]
    if not pools:
        raise ValueError("EfficientNet-Lite3 graph has no average pool to cut before")
    return with_outputs(model, [pools[-1].input_value(0)])


class ImageEmbedder:
    model_name = EMBEDDING_MODEL_NAME

    def __init__(self, cache_dir: Path | None = None, streams: int = 1) -> None:
        model = ov.Core().read_model(str(EFFICIENTNET_LITE3.path()))
        compiled = compile_for_cpu(_feature_map_part(model), cache_dir, streams=streams)
        self._infer = ThreadedInfer(compiled)
        self._feature_map = compiled.outputs[0]

    def feature_map(self, rgb: np.ndarray) -> np.ndarray:
        """(9, 9, 1280) float32 features of an (H, W, 3) uint8 RGB image, squashed to the
        network's square input (posters keep all their content that way)."""
        resized = cv2.resize(
            rgb, (EMBEDDING_INPUT_SIZE, EMBEDDING_INPUT_SIZE), interpolation=cv2.INTER_AREA
        )
        output = self._infer(resized[None])[self._feature_map]
        return np.asarray(output, np.float32)[0].transpose(1, 2, 0)


def load_image_embedder(cache_dir: Path | None = None, streams: int = 1) -> ImageEmbedder:
    """`streams`: posters the caller passes at once (threads), one compiled stream each."""
    return load_once(ImageEmbedder, cache_dir or packaged_model_cache(), streams)
