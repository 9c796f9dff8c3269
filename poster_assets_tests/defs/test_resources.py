"""The store implementation is chosen where Definitions are built, from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import build_resources

from poster_assets.defs.resources import LakeStore, PosterStore, store_from_environment
from poster_assets.store.database import DuckDBFileDatabase
from poster_assets.store.lake import CATALOG_ENV_VAR, DATA_PATH_ENV_VAR, LakeSetupError


def test_without_a_lake_the_store_is_the_homes_duckdb_file(tmp_path: Path) -> None:
    store = store_from_environment(str(tmp_path), {})
    assert type(store) is PosterStore
    assert isinstance(store.database(), DuckDBFileDatabase)
    assert store.database().location == str(tmp_path.resolve() / "posters.duckdb")


def test_with_both_lake_variables_the_store_is_the_lake(monkeypatch: pytest.MonkeyPatch) -> None:
    environ = {CATALOG_ENV_VAR: "dbname=lake host=db", DATA_PATH_ENV_VAR: "/mnt/lake"}
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with build_resources({"store": store_from_environment("/tmp/home", environ)}) as resources:
        store = resources.store
        assert isinstance(store, LakeStore)
        assert (store.catalog, store.data_path) == ("dbname=lake host=db", "/mnt/lake")


def test_one_lake_variable_alone_is_an_error() -> None:
    with pytest.raises(LakeSetupError, match="set both"):
        store_from_environment("/tmp/home", {CATALOG_ENV_VAR: "dbname=lake"})
