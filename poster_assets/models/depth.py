"""Monocular depth networks on OpenVINO: which input each expects, and one compiled model per
process. No depth model ships in any package; users register a local file or pull one."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from poster_assets.models.openvino_runtime import ThreadedInfer, compile_for_cpu, with_outputs


@dataclass(frozen=True)
class DepthInputSpec:
    """How a network wants its input and what its output means."""

    width: int
    height: int
    layout: str  # "NHWC" or "NCHW"
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)  # on RGB scaled to 0..1
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    output: str | None = None  # output tensor name; None: the first output
    larger_is_farther: bool = True  # False for networks that predict inverse depth


IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# Input specs of the depth networks we know by name.
KNOWN_DEPTH_SPECS: dict[str, DepthInputSpec] = {
    # PyDNet++ (mobilePydnet, research-use weights): relative depth, larger = farther.
    "pydnet": DepthInputSpec(640, 448, "NHWC", output="PSD/resize_images/ResizeBilinear"),
    # MiDaS v2.1 small (MIT): inverse relative depth.
    "midas-v21-small": DepthInputSpec(
        256, 256, "NCHW", IMAGENET_MEAN, IMAGENET_STD, larger_is_farther=False
    ),
    # Depth Anything V2 Small (Apache-2.0): inverse relative depth.
    "depth-anything-v2-small": DepthInputSpec(
        518, 518, "NCHW", IMAGENET_MEAN, IMAGENET_STD, larger_is_farther=False
    ),
}


@dataclass(frozen=True)
class DepthModelRef:
    name: str
    path: Path
    spec: DepthInputSpec

    @property
    def version(self) -> str:
        """Name plus the file's content hash: a new file means new depth maps."""
        return f"{self.name}-{file_sha256(self.path)[:12]}"


@functools.cache
def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DepthEstimator:
    """One compiled network; `CACHE_DIR` lets later processes skip most of the compile."""

    def __init__(self, ref: DepthModelRef, cache_dir: Path | None = None) -> None:
        self.ref = ref
        compiled = compile_for_cpu(_used_part(ref), cache_dir)
        self._infer = ThreadedInfer(compiled)
        self._output = compiled.outputs[0]

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        """(H, W) float32 raw network output resized to the poster: relative, unknown scale."""
        spec = self.ref.spec
        resized = cv2.resize(rgb, (spec.width, spec.height), interpolation=cv2.INTER_AREA)
        tensor = (resized.astype(np.float32) / 255.0 - np.float32(spec.mean)) / np.float32(spec.std)
        if spec.layout == "NCHW":
            tensor = tensor.transpose(2, 0, 1)
        output = self._infer(tensor[None])[self._output]
        raw = np.squeeze(np.asarray(output, dtype=np.float32))
        if raw.ndim != 2:
            raise ValueError(f"output {output.shape} is not one depth map (H, W)")
        return cv2.resize(raw, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)


def _used_part(ref: DepthModelRef) -> ov.Model | Path:
    """The network as a path when its first output is the depth map (a warm cache then skips
    reading it), else read and cut down to the named output."""
    if ref.spec.output is None:
        return ref.path
    model = ov.Core().read_model(str(ref.path))
    names = [output.get_any_name() for output in model.outputs]
    if ref.spec.output not in names:
        raise ValueError(f"{ref.path} has no output {ref.spec.output!r}; it has {names}")
    return with_outputs(model, [model.outputs[names.index(ref.spec.output)]])


@functools.cache
def load_depth_estimator(ref: DepthModelRef, cache_dir: Path | None = None) -> DepthEstimator:
    return DepthEstimator(ref, cache_dir)
