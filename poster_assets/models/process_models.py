"""Packaged networks loaded once per process and number of streams, whichever home asked
first.

A packaged network is the same file for every home, so its compiled form is shared by all
the runs a process makes (the test suite makes hundreds of homes; a worker may serve several).
The first caller's cache directory is the one OpenVINO fills."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import TypeVar

M = TypeVar("M")
_loaded: dict[tuple[Callable[..., object], int], object] = {}
_lock = Lock()


def load_once(factory: Callable[[Path | None, int], M], cache_dir: Path | None, streams: int) -> M:
    """`factory(cache_dir, streams)`, made once per process for each number of streams."""
    key = (factory, streams)
    with _lock:
        if key not in _loaded:
            _loaded[key] = factory(cache_dir, streams)
        return _loaded[key]  # type: ignore[return-value]
