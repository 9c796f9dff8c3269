"""Where one installation keeps its state: the DuckDB file, the Dagster instance and caches.

Everything a run writes lives under one folder (the *home*), so that the CLI, the Dagster UI and
tests can each point at their own without touching global state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HOME_ENV_VAR = "POSTER_ASSETS_HOME"
DEFAULT_HOME = Path(".poster_assets")

_DAGSTER_YAML = """\
# Written by poster-assets. Local instance: SQLite storage under this folder.
telemetry:
  enabled: false
run_queue:
  max_concurrent_runs: 4
"""


@dataclass(frozen=True)
class PosterHome:
    """Paths of one home folder; `ensure()` creates what is missing."""

    root: Path

    @property
    def duckdb_path(self) -> Path:
        return self.root / "posters.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.root / "posters.duckdb.lock"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def openvino_cache_dir(self) -> Path:
        return self.cache_dir / "openvino"

    @property
    def demo_corpus_dir(self) -> Path:
        return self.root / "demo_corpus"

    def ensure(self) -> PosterHome:
        self.root.mkdir(parents=True, exist_ok=True)
        self.dagster_home.mkdir(exist_ok=True)
        self.cache_dir.mkdir(exist_ok=True)
        dagster_yaml = self.dagster_home / "dagster.yaml"
        if not dagster_yaml.exists():
            dagster_yaml.write_text(_DAGSTER_YAML)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> PosterHome:
    """`--home` wins, then $POSTER_ASSETS_HOME, then ./.poster_assets; always absolute."""
    chosen = explicit or environ.get(HOME_ENV_VAR) or DEFAULT_HOME
    return PosterHome(Path(chosen).expanduser().resolve())
