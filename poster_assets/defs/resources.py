"""Typed resources. Environment values arrive through EnvVar where Definitions are built."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dagster import ConfigurableResource, EnvVar

from poster_assets.home import HOME_ENV_VAR, PosterHome
from poster_assets.store.database import (
    DEFAULT_LOCK_TIMEOUT_S,
    DuckDBFileDatabase,
    PosterDatabase,
)
from poster_assets.store.lake import (
    CATALOG_ENV_VAR,
    DATA_PATH_ENV_VAR,
    LakeDatabase,
    LakeLocation,
)


class PosterStore(ConfigurableResource):
    """The home folder (Dagster instance, caches, models) and the analysis rows in its DuckDB
    file, behind a cross-process lock: one machine."""

    home: str
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S

    def paths(self) -> PosterHome:
        return PosterHome(Path(self.home).expanduser().resolve()).ensure()

    def database(self) -> PosterDatabase:
        home = self.paths()
        return DuckDBFileDatabase(home.duckdb_path, home.lock_path, self.lock_timeout_s)


class LakeStore(PosterStore):
    """The home folder, with the analysis rows in a DuckLake (PostgreSQL catalogue, Parquet in
    a folder every machine mounts): several machines (store/lake.py, docs/scaling.md)."""

    catalog: str
    data_path: str

    def database(self) -> PosterDatabase:
        return LakeDatabase(LakeLocation(self.catalog, self.data_path.rstrip("/") + "/"))


def store_from_environment(home: str | EnvVar, environ: Mapping[str, str]) -> PosterStore:
    """The lake where the environment names one (both variables; one alone is an error),
    else the home's DuckDB file. Called where Definitions are built, never inside an asset."""
    if LakeLocation.from_environment(environ) is None:
        return PosterStore(home=home)
    return LakeStore(
        home=home, catalog=EnvVar(CATALOG_ENV_VAR), data_path=EnvVar(DATA_PATH_ENV_VAR)
    )


def home_store(home: PosterHome, environ: Mapping[str, str] = os.environ) -> PosterStore:
    """The store resource for in-process runs against one home."""
    return store_from_environment(str(home.root), environ)


def environment_store(environ: Mapping[str, str] = os.environ) -> PosterStore:
    """The store resource of the UI, daemon and workers: the home from the environment."""
    return store_from_environment(EnvVar(HOME_ENV_VAR), environ)


class WatchedFolder(ConfigurableResource):
    """The folder the sensor watches for new posters, and how it batches them."""

    path: str
    batch_size: int = 500
    settle_seconds: float = 2.0


class PosterCompute(ConfigurableResource):
    """How the per-poster stages run: the parallel ones (OCR, layers, foreground,
    composition, faces, objects, embeddings, patch tokens) `workers` posters at once in
    threads (0: one per CPU core), OCR with a single-threaded engine per thread and the
    other networks with a stream per thread, the others one poster at a time;
    `library_defaults` runs one poster at a time with rapidocr's and OpenVINO's defaults
    (one engine or stream spreading each call over every core): the bench's baseline."""

    workers: int = 0
    library_defaults: bool = False

    def worker_count(self) -> int:
        if self.library_defaults:
            return 1  # a default-compiled OCR engine is one shared, non-thread-safe session
        return self.workers if self.workers > 0 else len(os.sched_getaffinity(0))
