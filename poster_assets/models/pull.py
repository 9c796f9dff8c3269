"""Fetch a catalogued depth network (pooch: download, sha256 check, cache), convert it once to
OpenVINO IR, and register it for the home."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
import pooch

from poster_assets.errors import PosterAssetsError
from poster_assets.models.catalogue import PullableModel
from poster_assets.models.conversion import convert_model
from poster_assets.models.depth import DepthModelRef
from poster_assets.models.registry import register_depth_model


class ModelPullError(PosterAssetsError, RuntimeError):
    pass


def pull_depth_model(entry: PullableModel, models_dir: Path) -> DepthModelRef:
    """Downloads only when the verified file is not cached yet; converts only when its IR is
    missing. Raises ModelPullError naming the URL when the download or the hash fails."""
    downloads = models_dir / "downloads"
    try:
        source = pooch.retrieve(
            url=entry.url,
            known_hash=f"sha256:{entry.sha256}",
            fname=entry.file_name,
            path=downloads,
            progressbar=False,
        )
    except (ValueError, OSError) as error:  # pooch: hash mismatch / requests: network errors
        raise ModelPullError(f"could not fetch {entry.name} from {entry.url}: {error}") from error
    ir_path = models_dir / f"{entry.name}.xml"
    if not ir_path.exists():
        ov.save_model(convert_model(source), str(ir_path))
    return register_depth_model(models_dir, entry.name, ir_path)
