"""The pictures an asset's metadata links to, opened as the webserver's log route serves them."""

from __future__ import annotations

import re

from dagster import DagsterInstance
from PIL import Image

LINK = re.compile(r"!\[[^\]]*\]\(/logs/([^)]+)/png\)")


def linked_pictures(instance: DagsterInstance, markdown: str) -> list[Image.Image]:
    """Each picture the Markdown shows, from the file the route `/logs/KEY.../png` serves."""
    assert len(markdown) < 1000, "the UI shows Markdown in place only under 1,000 characters"
    manager = instance.compute_log_manager
    return [
        Image.open(manager.get_captured_local_path(key.split("/"), "png"))
        for key in LINK.findall(markdown)
    ]
