"""Which store a process uses: the lake when the environment names one (every worker of a
multi-machine deployment sets it), else the home's DuckDB file."""

from __future__ import annotations

import os
from collections.abc import Mapping

from poster_assets.home import PosterHome
from poster_assets.store.database import DEFAULT_LOCK_TIMEOUT_S, DuckDBFileDatabase, PosterDatabase
from poster_assets.store.lake import LakeDatabase, LakeLocation


def open_database(
    home: PosterHome,
    environ: Mapping[str, str] = os.environ,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
) -> PosterDatabase:
    lake = LakeLocation.from_environment(environ)
    if lake is not None:
        return LakeDatabase(lake)
    return DuckDBFileDatabase(home.duckdb_path, home.lock_path, lock_timeout_s)
