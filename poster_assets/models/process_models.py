"""Packaged networks loaded once per process, whichever home asked first.

A packaged network is the same file for every home, so its compiled form is shared by all
the runs a process makes (the test suite makes hundreds of homes; a worker may serve several).
The first caller's cache directory is the one OpenVINO fills."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import TypeVar

M = TypeVar("M")
_loaded: dict[Callable[..., object], object] = {}
_lock = Lock()


def load_once(factory: Callable[[Path | None], M], cache_dir: Path | None) -> M:
    with _lock:
        if factory not in _loaded:
            _loaded[factory] = factory(cache_dir)
        return _loaded[factory]  # type: ignore[return-value]
