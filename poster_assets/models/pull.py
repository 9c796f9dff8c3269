"""Fetch a catalogued depth network (pooch: download, sha256 check, cache), convert it once to
OpenVINO IR, and register it for the home."""

from __future__ import annotations

import re
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


def pull_depth_model(
    entry: PullableModel, models_dir: Path, sha256: str | None = None
) -> DepthModelRef:
    """Downloads only when the verified file is not cached yet; converts only when its IR is
    missing. `sha256` is the file's hash where the catalogue pins none (it may not differ
    from a pinned one). Raises ModelPullError naming the URL when the download or the hash
    fails, or when there is no hash to check the file against."""
    expected = _expected_hash(entry, sha256)
    downloads = models_dir / "downloads"
    try:
        source = pooch.retrieve(
            url=entry.url,
            known_hash=f"sha256:{expected}",
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


def _expected_hash(entry: PullableModel, given: str | None) -> str:
    given = given.strip().lower() if given else None
    if given is not None and not re.fullmatch(r"[0-9a-f]{64}", given):
        raise ModelPullError(f"--sha256 {given!r} is not 64 hexadecimal digits")
    if entry.sha256 and given and given != entry.sha256:
        raise ModelPullError(
            f"--sha256 differs from the hash pinned for {entry.name} ({entry.sha256})"
        )
    expected = given or entry.sha256
    if expected is None:
        raise ModelPullError(
            f"no sha256 is pinned for {entry.name}, and a file that cannot be checked is not "
            f"run: pass --sha256 HEX, the hash its release lists for {entry.url}"
        )
    return expected
