"""Which depth model a home uses: a small JSON file under `<home>/models/`.

Nothing is downloaded here: a user registers a network file they have (ONNX, TFLite or
OpenVINO IR), under a known name (whose input spec we know) or with its input spec.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from poster_assets.errors import PosterAssetsError
from poster_assets.models.depth import KNOWN_DEPTH_SPECS, DepthInputSpec, DepthModelRef

DEPTH_REGISTRY_FILE = "depth_model.json"
MISSING_DEPTH_MODEL = (
    "no depth model is registered for this home, so depth and layers are skipped. No depth "
    "network ships in any package: fetch one with `poster-assets models pull midas-v21-small` "
    "(needs a network), or register a file you have with `poster-assets models use NAME --path "
    f"FILE` (NAME one of: {', '.join(sorted(KNOWN_DEPTH_SPECS))})."
)


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
    models_dir.mkdir(parents=True, exist_ok=True)
    entry = {"name": name, "path": str(path), "spec": asdict(spec)}
    (models_dir / DEPTH_REGISTRY_FILE).write_text(json.dumps(entry))
    return DepthModelRef(name, path, spec)


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
