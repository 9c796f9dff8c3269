"""A registered poster's pixels: the file read, checked against the content id it was
registered under, and decoded once per run, so that the stages of one run (steps in one
process) share one decode, and what they compute alike from it, and never analyse bytes
other than the ones that were hashed."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable

import numpy as np

from poster_assets.errors import FailureKind, PosterInputError
from poster_assets.imaging.decode import decode_image, read_image_bytes

DEFAULT_CACHE_BYTES = 512 * 1024 * 1024  # ~650 posters of 300x440 with their feature maps


class RunArrays:
    """Arrays of one scope (a run) by poster and name: each poster's decode, and what several
    stages compute alike from it (the whole poster's ImageNet feature map), up to `max_bytes`;
    a poster asked for in another scope starts afresh, so a later run reads the files again.
    When full, new arrays are computed but not kept: stages walk a batch in the same order, so
    keeping the first posters' serves every stage's pass, where evicting the oldest would
    serve none."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._scope: str | None = None
        self._kept: dict[tuple[str, str], np.ndarray] = {}
        self._kept_bytes = 0
        self._lock = threading.Lock()

    def array(
        self, scope: str, poster_id: str, name: str, compute: Callable[[], np.ndarray]
    ) -> np.ndarray:
        """The poster's array `name`, read-only, from `compute` the first time in `scope`."""
        key = (poster_id, name)
        with self._lock:
            if scope != self._scope:
                self._scope, self._kept, self._kept_bytes = scope, {}, 0
            kept = self._kept.get(key)
        if kept is not None:
            return kept
        computed = compute()
        computed.flags.writeable = False
        with self._lock:
            fits = self._kept_bytes + computed.nbytes <= self.max_bytes
            if scope == self._scope and key not in self._kept and fits:
                self._kept[key] = computed
                self._kept_bytes += computed.nbytes
        return computed

    def rgb(self, scope: str, poster_id: str, load: Callable[[], np.ndarray]) -> np.ndarray:
        """The poster's (H, W, 3) uint8 RGB, read-only, from `load` the first time (which
        raises PosterInputError when the poster's bytes cannot be had)."""
        return self.array(scope, poster_id, "rgb", load)


def verified_rgb(poster_id: str, path: str | os.PathLike[str]) -> np.ndarray:
    """The file's pixels if it still holds the bytes registered as `poster_id`; raises
    PosterInputError otherwise."""
    data = read_image_bytes(path)
    if hashlib.sha256(data).hexdigest() != poster_id:
        raise PosterInputError(
            FailureKind.CHANGED, f"file changed since it was registered as poster {poster_id[:12]}"
        )
    return decode_image(data).rgb


RUN_ARRAYS = RunArrays()
