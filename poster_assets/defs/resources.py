"""Typed resources. Environment values arrive through EnvVar where Definitions are built."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from poster_assets.home import PosterHome
from poster_assets.store.database import DEFAULT_LOCK_TIMEOUT_S, PosterDatabase


class PosterStore(ConfigurableResource):
    """The home folder: the DuckDB file (behind its cross-process lock) and caches."""

    home: str
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S

    def paths(self) -> PosterHome:
        return PosterHome(Path(self.home).expanduser().resolve()).ensure()

    def database(self) -> PosterDatabase:
        paths = self.paths()
        return PosterDatabase(paths.duckdb_path, paths.lock_path, self.lock_timeout_s)


class WatchedFolder(ConfigurableResource):
    """The folder the sensor watches for new posters, and how it batches them."""

    path: str
    batch_size: int = 500
    settle_seconds: float = 2.0
