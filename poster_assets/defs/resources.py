"""Typed resources. Environment values arrive through EnvVar where Definitions are built."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource

from poster_assets.home import PosterHome
from poster_assets.models.ocr import RuntimeMode
from poster_assets.store.database import DEFAULT_LOCK_TIMEOUT_S, PosterDatabase
from poster_assets.store.opening import open_database


class PosterStore(ConfigurableResource):
    """The home folder: the DuckDB file (behind its cross-process lock) and caches; the
    analysis rows go to a DuckLake instead where the environment names one (store/lake.py)."""

    home: str
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S

    def paths(self) -> PosterHome:
        return PosterHome(Path(self.home).expanduser().resolve()).ensure()

    def database(self) -> PosterDatabase:
        return open_database(self.paths(), lock_timeout_s=self.lock_timeout_s)


class WatchedFolder(ConfigurableResource):
    """The folder the sensor watches for new posters, and how it batches them."""

    path: str
    batch_size: int = 500
    settle_seconds: float = 2.0


class PosterCompute(ConfigurableResource):
    """How the per-poster stages run: `workers` posters at once in threads (0: one per CPU
    core), OCR with a single-threaded engine per thread; `library_defaults` runs one poster at
    a time with rapidocr's defaults (one engine spreading each call over every core): the
    bench's baseline."""

    workers: int = 0
    library_defaults: bool = False

    def worker_count(self) -> int:
        if self.library_defaults:
            return 1  # a default-compiled OCR engine is one shared, non-thread-safe session
        return self.workers if self.workers > 0 else len(os.sched_getaffinity(0))

    def ocr_mode(self) -> RuntimeMode:
        return RuntimeMode.DEFAULTS if self.library_defaults else RuntimeMode.TUNED
