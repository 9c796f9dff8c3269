"""Shared fixtures: temporary homes, a small generated corpus, and the optional ../shared."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.home import PosterHome
from poster_assets.models.registry import register_depth_model
from poster_assets.runs import ingest_directory
from poster_assets.store.lake import LakeLocation
from poster_assets_tests.postgres_server import PostgresServer, running_postgres, unavailable_reason

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_ENV_VAR = "POSTER_ASSETS_SHARED"


def shared_dir() -> Path:
    """../shared beside the repository, or $POSTER_ASSETS_SHARED."""
    return Path(os.environ.get(SHARED_ENV_VAR, REPO_ROOT.parent / "shared"))


@pytest.fixture
def home(tmp_path: Path) -> PosterHome:
    return PosterHome(tmp_path / "home").ensure()


@pytest.fixture(scope="session")
def demo_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight generated posters with ground truth (generated once per test session)."""
    corpus = tmp_path_factory.mktemp("demo_corpus")
    generate_demo_corpus(corpus, count=8, seed=3)
    return corpus


@pytest.fixture(scope="session")
def shared_posters() -> Path:
    posters = shared_dir() / "data" / "posters"
    if not (posters / "labels.csv").exists():
        pytest.skip(
            f"real posters not found at {posters} (put ../shared beside the repository "
            f"or set ${SHARED_ENV_VAR})"
        )
    return posters


@pytest.fixture(scope="session")
def layered_home(tmp_path_factory: pytest.TempPathFactory, demo_corpus: Path) -> PosterHome:
    """The demo corpus through the whole graph with the shared PyDNet."""
    pydnet = shared_dir() / "models" / "pydnet" / "optimized_pydnet++.tflite"
    if not pydnet.exists():
        pytest.skip(f"PyDNet weights not found at {pydnet} (put ../shared beside the repository)")
    home = PosterHome(tmp_path_factory.mktemp("layered") / "home").ensure()
    register_depth_model(home.models_dir, "pydnet", pydnet)
    assert ingest_directory(home, demo_corpus / "images").failed_runs == []
    return home


@pytest.fixture(scope="session")
def plain_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[PosterHome, Path]:
    """30 generated posters through the whole graph without a depth model."""
    corpus = tmp_path_factory.mktemp("plain_corpus")
    generate_demo_corpus(corpus, count=30, seed=8)
    home = PosterHome(tmp_path_factory.mktemp("plain") / "home").ensure()
    assert ingest_directory(home, corpus / "images").failed_runs == []
    return home, corpus


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session; each test makes its own databases."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with running_postgres() as server:
        yield server


_lake_numbers = itertools.count()


@pytest.fixture
def lake(postgres: PostgresServer, tmp_path: Path) -> LakeLocation:
    """An empty DuckLake: a new catalogue database and a data folder."""
    catalog = postgres.libpq(postgres.create_database(f"lake_{next(_lake_numbers)}"))
    return LakeLocation(catalog, str(tmp_path / "lake-data") + "/")
