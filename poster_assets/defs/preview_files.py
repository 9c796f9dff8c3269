"""Pictures the Dagster UI shows in place on an asset's page.

The UI renders a Markdown metadata value in place only under 1,000 characters, so a picture
cannot travel inside it as a data URL (it would hide behind "[Show Markdown]"). It is written
as a file in the instance's compute-log folder instead, and linked through the webserver's
log-download route (`/logs/KEY.../EXT`), which serves a file there under its own name (so as
`image/png`). Files are named by what they show: a rerun with nothing new links the same
file without drawing it again. Where compute logs are not local files, the picture goes
into the Markdown as a data URL."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.storage.local_compute_log_manager import LocalComputeLogManager

from poster_assets.imaging.preview import markdown_image

PREVIEW_NAMESPACE = "poster_previews"
PREVIEW_REVISION = "2"  # part of every name: a change to how pictures are drawn draws them anew


def preview_markdown(
    instance: DagsterInstance,
    asset: str,
    stamp: str,
    caption: str,
    draw: Callable[[], bytes | None],
) -> str | None:
    """Markdown showing the picture `draw` makes of what `stamp` describes (the stage
    version and when its posters' rows were written), drawn only if not published yet."""
    digest = hashlib.sha256(f"{PREVIEW_REVISION}|{asset}|{stamp}".encode()).hexdigest()[:24]
    manager = instance.compute_log_manager
    if not isinstance(manager, LocalComputeLogManager):
        png = draw()
        return markdown_image(png, alt=caption) if png else None
    log_key = [PREVIEW_NAMESPACE, asset, digest]
    path = Path(manager.get_captured_local_path(log_key, "png"))
    if not path.exists():
        png = draw()
        if png is None:
            return None
        _write_atomically(path, png)
    return f"{caption}\n\n![{caption}](/logs/{'/'.join(log_key)}/png)"


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader (the webserver) never sees half a picture, even with two runs writing it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    partial.replace(path)
