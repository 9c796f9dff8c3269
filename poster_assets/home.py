"""Where one installation keeps its state: the DuckDB file, the Dagster instance and caches.

Everything a run writes lives under one folder (the *home*), so that the CLI, the Dagster UI and
tests can each point at their own without touching global state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from poster_assets.errors import PosterAssetsError

HOME_ENV_VAR = "POSTER_ASSETS_HOME"
DEFAULT_HOME = Path(".poster_assets")

DAGSTER_POSTGRES_ENV_VAR = "POSTER_ASSETS_DAGSTER_POSTGRES_URL"
_WRITTEN_BY_US = "# Written by poster-assets."
_DAGSTER_YAML = f"""\
{_WRITTEN_BY_US} Local instance: SQLite storage under this folder.
telemetry:
  enabled: false
run_queue:
  max_concurrent_runs: 4
"""
_DAGSTER_POSTGRES_YAML = f"""\
{_WRITTEN_BY_US} Shared instance: runs, events and schedules in the PostgreSQL
# database ${DAGSTER_POSTGRES_ENV_VAR} names, so machines see each other's runs.
telemetry:
  enabled: false
run_queue:
  max_concurrent_runs: 4
storage:
  postgres:
    postgres_url:
      env: {DAGSTER_POSTGRES_ENV_VAR}
"""


def dagster_yaml(environ: Mapping[str, str]) -> str:
    """SQLite in the home, or PostgreSQL when the environment names a database for it."""
    return _DAGSTER_POSTGRES_YAML if environ.get(DAGSTER_POSTGRES_ENV_VAR) else _DAGSTER_YAML


class HomeUnusableError(PosterAssetsError, OSError):
    """The home folder cannot be created or written (read-only, under /proc, no permission)."""


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
    def poster_copies_dir(self) -> Path:
        """Each poster's verified bytes by content id (`imaging/kept_copies.py`)."""
        return self.root / "posters"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def index_dir(self) -> Path:
        """Nearest-neighbour indexes of the embeddings (the `embedding_index` asset)."""
        return self.root / "indexes"

    @property
    def openvino_cache_dir(self) -> Path:
        return self.cache_dir / "openvino"

    @property
    def demo_corpus_dir(self) -> Path:
        return self.root / "demo_corpus"

    def ensure(self) -> PosterHome:
        try:
            return self._ensured()
        except OSError as error:
            raise HomeUnusableError(
                f"cannot use {self.root} as the home ({error.strerror}): choose a writable "
                f"folder with --home or ${HOME_ENV_VAR}"
            ) from error

    def _ensured(self) -> PosterHome:
        self.root.mkdir(parents=True, exist_ok=True)
        self.dagster_home.mkdir(exist_ok=True)
        self.cache_dir.mkdir(exist_ok=True)
        path, wanted = self.dagster_home / "dagster.yaml", dagster_yaml(os.environ)
        current = path.read_text() if path.exists() else None
        # A file someone edited is theirs; ours follows the environment.
        if current is None or (current.startswith(_WRITTEN_BY_US) and current != wanted):
            partial = path.with_name(f".dagster.yaml.{os.getpid()}")
            partial.write_text(wanted)
            partial.replace(path)  # atomic: another process never reads half a file
        return self


def resolve_home(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> PosterHome:
    """`--home` wins, then $POSTER_ASSETS_HOME, then ./.poster_assets; always absolute."""
    chosen = explicit or environ.get(HOME_ENV_VAR) or DEFAULT_HOME
    return PosterHome(Path(chosen).expanduser().resolve())
