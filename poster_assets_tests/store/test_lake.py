"""The lake's setup as pure pieces: which store the environment picks, the tables DuckLake gets,
and the error when the catalogue cannot be reached (the store's behaviour on a real lake is in
test_store.py and test_celery_scale_out.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from poster_assets.home import PosterHome
from poster_assets.store.database import DuckDBFileDatabase
from poster_assets.store.lake import (
    CATALOG_ENV_VAR,
    DATA_PATH_ENV_VAR,
    LakeDatabase,
    LakeLocation,
    LakeSetupError,
    lake_table_statements,
)
from poster_assets.store.opening import open_database
from poster_assets.store.schema import ensure_schema
from poster_assets_tests.ui_process import free_port


def test_the_environment_picks_the_store(home: PosterHome) -> None:
    assert isinstance(open_database(home, {}), DuckDBFileDatabase)
    lake = open_database(home, {CATALOG_ENV_VAR: "dbname=lake", DATA_PATH_ENV_VAR: "/data"})
    assert isinstance(lake, LakeDatabase) and "/data/" in lake.location
    with pytest.raises(LakeSetupError, match=f"set both {CATALOG_ENV_VAR}"):
        open_database(home, {CATALOG_ENV_VAR: "dbname=lake"})


def test_the_catalogue_password_is_never_shown() -> None:
    location = LakeLocation("dbname=lake host=db password=s3cret user=me", "/data/")
    assert LakeDatabase(location).location == (
        "DuckLake catalogue 'dbname=lake host=db password=*** user=me', data /data/"
    )
    assert "s3cret" not in LakeLocation("password = 's3cret x' host=db", "/d/").shown_catalog


def test_lake_tables_keep_every_column_without_keys_or_fixed_arrays() -> None:
    with duckdb.connect() as connection:
        ensure_schema(connection)
        tables = lake_table_statements(connection)
        table_count = connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchone()[0]
    assert len(tables) == table_count
    assert "polygon DOUBLE[] NOT NULL" in tables["ocr_lines"]
    assert "poster_id VARCHAR" in tables["failures"]  # nullable stays nullable
    assert not any("[4]" in column or "[8]" in column for c in tables.values() for column in c)


def test_an_unreachable_catalogue_is_a_clear_error(tmp_path: Path) -> None:
    closed_port = free_port()
    location = LakeLocation(f"dbname=lake host=127.0.0.1 port={closed_port}", str(tmp_path))
    expected = "attaching 'dbname=lake host=127.0.0.1"
    with pytest.raises(LakeSetupError, match=expected), LakeDatabase(location).read():
        pass
