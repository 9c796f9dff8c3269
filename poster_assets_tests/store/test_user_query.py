"""`poster-assets sql` as a hostile user would try it: every statement that wrote, destroyed or
reached other files on commit e2981dc is refused, and the store is byte for byte unchanged."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from pathlib import Path

import duckdb
import pytest

from poster_assets.home import PosterHome
from poster_assets.store import database
from poster_assets.store.database import DuckDBFileDatabase
from poster_assets.store.lake import LakeDatabase, LakeLocation
from poster_assets.store.opening import open_database
from poster_assets.store.user_query import RefusedQueryError, checked_statement, run_user_query

NOT_READ_ONLY = "`sql` is read-only"
NO_FILES = "file system operations are disabled"


def _hostile_statements(home: PosterHome, outside: Path) -> dict[str, str]:
    """Each statement and the words of its refusal."""
    store, config = home.duckdb_path, home.root / "dagster" / "dagster.yaml"
    return {
        "": "the query is empty",
        " ; -- nothing": "the query is empty",
        "SELECT 1; DELETE FROM posters": "2 statements given",
        "SELECT 1; SELECT 2": "2 statements given",
        "DELETE FROM posters": NOT_READ_ONLY,
        "DROP TABLE posters": NOT_READ_ONLY,
        "CREATE TABLE x AS SELECT 1": NOT_READ_ONLY,
        "UPDATE posters SET width = 0": NOT_READ_ONLY,
        f"COPY posters TO '{store}'": NOT_READ_ONLY,
        f"COPY (SELECT 1) TO '{config}'": NOT_READ_ONLY,
        f"ATTACH '{outside / 'x.duckdb'}' AS x (READ_WRITE)": NOT_READ_ONLY,
        f"ATTACH '{store}' AS w (READ_WRITE)": NOT_READ_ONLY,
        "DETACH posters": NOT_READ_ONLY,
        "USE memory": NOT_READ_ONLY,
        "INSTALL httpfs": NOT_READ_ONLY,
        "LOAD httpfs": NOT_READ_ONLY,
        "SET enable_external_access = true": NOT_READ_ONLY,
        f"EXPORT DATABASE '{outside / 'dump'}'": NOT_READ_ONLY,
        "CHECKPOINT": NOT_READ_ONLY,
        "PRAGMA enable_profiling": NOT_READ_ONLY,
        "SELECT * FROM read_text('/etc/hostname')": NO_FILES,
        f"SELECT * FROM read_csv('{config}')": NO_FILES,
        f"SELECT * FROM '{outside / 'x.parquet'}'": NO_FILES,
        f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{outside / 'x.csv'}'": NO_FILES,
    }


def test_a_hostile_statement_is_refused_and_changes_nothing(home: PosterHome, tmp_path: Path):
    db = open_database(home)
    run_user_query(db, "SELECT count(*) FROM posters")  # the store exists from here
    before = hashlib.sha256(home.duckdb_path.read_bytes()).hexdigest()
    outside = tmp_path / "outside"
    outside.mkdir()
    for statement, refusal in _hostile_statements(home, outside).items():
        with pytest.raises(
            (RefusedQueryError, duckdb.PermissionException), match=re.escape(refusal)
        ):
            run_user_query(db, statement)
    assert hashlib.sha256(home.duckdb_path.read_bytes()).hexdigest() == before
    assert list(outside.iterdir()) == []
    assert sorted(path.name for path in home.duckdb_path.parent.glob(".snapshot-*")) == []


def test_reads_of_every_kind_are_allowed() -> None:
    for statement in (
        "SELECT 1",
        "WITH a AS (SELECT 1) SELECT * FROM a",
        "FROM posters",
        "SHOW TABLES",
        "DESCRIBE posters",
        "SUMMARIZE posters",
        "EXPLAIN SELECT 1",
        "SELECT 1; -- a trailing comment",
    ):
        assert checked_statement(statement)
    with pytest.raises(RefusedQueryError):
        checked_statement("SELECT 1; SELECT 2 -- ; hidden")


def test_a_long_query_does_not_hold_the_writers_lock(home: PosterHome) -> None:
    """While a user's query runs, a writer with a 2 s lock timeout still commits."""
    db = DuckDBFileDatabase(home.duckdb_path, home.lock_path, lock_timeout_s=2.0)
    writer = DuckDBFileDatabase(home.duckdb_path, home.lock_path, lock_timeout_s=2.0)
    with db.sealed_read() as connection:
        committed = threading.Event()

        def write() -> None:
            with writer.write() as writing:
                writing.execute("DELETE FROM failures")
            committed.set()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(timeout=10)
        assert committed.is_set()
        assert connection.execute("SELECT count(*) FROM posters").fetchone() == (0,)


def test_a_store_too_large_to_copy_stops_a_query_before_a_writer_would_fail(
    home: PosterHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SNAPSHOT_COPY_LIMIT_BYTES", 0)
    db = DuckDBFileDatabase(home.duckdb_path, home.lock_path, lock_timeout_s=2.0)
    assert run_user_query(db, "SELECT count(*) AS n FROM posters")["n"].tolist() == [0]
    writes: list[str] = []

    def write_while_the_query_runs() -> None:
        time.sleep(0.3)
        with db.write() as connection:  # waits for the lock, 2 s at most
            connection.execute("DELETE FROM failures")
        writes.append("committed")

    writer = threading.Thread(target=write_while_the_query_runs)
    writer.start()
    with pytest.raises(database.QueryStoppedError, match="ran over 1 s on a store too large"):
        run_user_query(db, "SELECT count(*) FROM range(1000000000000)")
    writer.join(timeout=10)
    assert writes == ["committed"]
    assert list(home.duckdb_path.parent.glob(".snapshot-*")) == []


def test_the_lake_is_sealed_too(lake: LakeLocation, tmp_path: Path) -> None:
    """Sealed, the lake still reads its own data files (its data folder stays allowed)."""
    db = LakeDatabase(lake)
    with db.write() as connection:
        connection.execute(  # enough rows for a Parquet file, not rows inlined in the catalogue
            "INSERT INTO failures SELECT 'b', 'ingest', i || '.jpg', NULL, 'empty_file', 'm', "
            "now() FROM range(1000) AS r(i)"
        )
    assert list(Path(lake.data_path).rglob("*.parquet"))
    assert run_user_query(db, "SELECT count(*) AS n FROM failures")["n"].tolist() == [1000]
    for statement in (
        "DELETE FROM posters",
        f"SELECT * FROM read_text('{tmp_path}')",
        "SELECT 1; SELECT 2",
    ):
        with pytest.raises(Exception, match="read-only|disabled|statements given"):
            run_user_query(db, statement)
