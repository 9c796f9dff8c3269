"""Which depth model a home uses: a small JSON file under `<home>/models/`.

Nothing is downloaded here: a user registers a network file they have (ONNX, TFLite or
OpenVINO IR), under a known name (whose input spec we know) or with its input spec.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from poster_assets.errors import PosterAssetsError
from poster_assets.models.depth import (
    KNOWN_DEPTH_SPECS,
    DepthEstimator,
    DepthInputSpec,
    DepthModelRef,
)

DEPTH_REGISTRY_FILE = "depth_model.json"
MISSING_DEPTH_MODEL = (
    "no depth model is registered for this home, so depth and layers are skipped. No depth "
    "network ships in any package: fetch one with `poster-assets models pull midas-v21-small` "
    "(needs a network), or register a file you have with `poster-assets models use NAME --path "
    f"FILE` (NAME one of: {', '.join(sorted(KNOWN_DEPTH_SPECS))}); then `poster-assets "
    f"refresh` fills in the posters already ingested."
)
MIN_INPUT_SIDE = 16
_TEST_PICTURE_SIZE = (96, 64)  # (height, width): a poster-shaped gradient


class InvalidDepthModelError(PosterAssetsError, ValueError):
    """The file is not a depth network that runs here; nothing was registered."""


class UnknownDepthModelError(PosterAssetsError, ValueError):
    pass


def register_depth_model(
    models_dir: Path, name: str, path: Path, spec: DepthInputSpec | None = None
) -> DepthModelRef:
    """A known NAME brings its input spec; any other network needs `spec`."""
    if spec is None:
        if name not in KNOWN_DEPTH_SPECS:
            raise UnknownDepthModelError(
                f"unknown depth model {name!r}: give its input spec, or use one of "
                f"{', '.join(sorted(KNOWN_DEPTH_SPECS))}"
            )
        spec = KNOWN_DEPTH_SPECS[name]
    path = path.expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    check_depth_model(DepthModelRef(name, path, spec))
    models_dir.mkdir(parents=True, exist_ok=True)
    entry = {"name": name, "path": str(path), "spec": asdict(spec)}
    (models_dir / DEPTH_REGISTRY_FILE).write_text(json.dumps(entry))
    return DepthModelRef(name, path, spec)


def check_depth_model(ref: DepthModelRef) -> None:
    """Compile the network and run it once on a test picture: a file that does not load (a
    Python file, an empty file), takes another input or answers with no depth map is refused
    here, instead of failing every later run and the stages after depth."""
    spec = ref.spec
    if min(spec.width, spec.height) < MIN_INPUT_SIDE:
        raise InvalidDepthModelError(
            f"input size {spec.width}x{spec.height} is too small: give the WxH the network "
            f"takes (at least {MIN_INPUT_SIDE}x{MIN_INPUT_SIDE})"
        )
    height, width = _TEST_PICTURE_SIZE
    picture = np.zeros((height, width, 3), np.uint8)
    picture[:] = np.linspace(0, 255, height, dtype=np.uint8)[:, None, None]
    try:
        depth = DepthEstimator(ref).predict(picture)
    except Exception as error:  # OpenVINO's errors for unreadable or mismatched networks vary
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InvalidDepthModelError(
            f"{ref.path} did not run as a depth network with input {spec.width}x{spec.height} "
            f"{spec.layout} ({reason[:300]}); nothing was registered"
        ) from error
    if not np.isfinite(depth).all():
        raise InvalidDepthModelError(
            f"{ref.path} gave a depth map with NaN or infinite values; nothing was registered"
        )


def registered_depth_model(models_dir: Path) -> DepthModelRef | None:
    """The registered model, or None when there is none or its file has gone."""
    registry = models_dir / DEPTH_REGISTRY_FILE
    if not registry.exists():
        return None
    entry = json.loads(registry.read_text())
    path = Path(entry["path"])
    if not path.is_file():
        return None
    spec = entry["spec"]
    return DepthModelRef(
        entry["name"],
        path,
        DepthInputSpec(**{**spec, "mean": tuple(spec["mean"]), "std": tuple(spec["std"])}),
    )
