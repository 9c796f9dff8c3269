"""Homes made by earlier versions open with the current schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from poster_assets.store.database import _SCHEMA_READY, DuckDBFileDatabase
from poster_assets.store.schema import ensure_schema, schema_is_current


def test_schema_migrates_a_home_made_before_the_saliency_column(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "old.duckdb")) as connection:
        connection.execute("CREATE TABLE layers (poster_id VARCHAR, layer_index INTEGER)")
        connection.execute("INSERT INTO layers VALUES ('a', 0)")
        ensure_schema(connection)
        ensure_schema(connection)  # idempotent
        columns = [row[0] for row in connection.execute("DESCRIBE layers").fetchall()]
        assert "saliency" in columns
        assert connection.execute("SELECT saliency FROM layers").fetchall() == [(None,)]


def test_a_home_from_before_the_stage_registry_is_brought_up_to_date_on_first_read(
    tmp_path: Path,
) -> None:
    """failures.sha256 -> poster_id and new stage tables created before anything is written;
    stage versions are kept as they are (a migration that cut titles' versions at '+' once
    made every run redo titles and all that follows them)."""
    path = tmp_path / "posters.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE failures (batch_id VARCHAR, stage VARCHAR, path VARCHAR, "
            "sha256 VARCHAR, kind VARCHAR, message VARCHAR, failed_at TIMESTAMPTZ)"
        )
        connection.execute("INSERT INTO failures VALUES ('b', 'ocr', '/p', 'abc', 'k', 'm', now())")
        connection.execute(
            "CREATE TABLE stage_runs (stage VARCHAR, poster_id VARCHAR, batch_id VARCHAR, "
            "version VARCHAR, status VARCHAR, finished_at TIMESTAMPTZ)"
        )
        connection.execute(
            "INSERT INTO stage_runs VALUES ('titles', 'abc', 'b', 'r3+gbt-1', "
            "'done', now()), ('layers', 'abc', 'b', 'r4-k3+pydnet-1+gbt-1', 'done', now())"
        )
    db = DuckDBFileDatabase(path, tmp_path / "lock")
    for _ in range(2):
        with db.read() as connection:
            assert connection.execute("SELECT poster_id FROM failures").fetchall() == [("abc",)]
            versions = connection.execute(
                "SELECT stage, version FROM stage_runs ORDER BY 1"
            ).fetchall()
            assert versions == [("layers", "r4-k3+pydnet-1+gbt-1"), ("titles", "r3+gbt-1")]
            assert connection.execute("SELECT count(*) FROM palette").fetchall() == [(0,)]


def test_a_migrated_home_is_stamped_and_read_without_migrating_again(tmp_path: Path) -> None:
    """A fresh process reads a stamped file with one read-only open; a file whose stamp is
    stale (an older version's schema) is migrated before its first read."""
    path = tmp_path / "posters.duckdb"
    with DuckDBFileDatabase(path, tmp_path / "lock").write() as connection:
        assert schema_is_current(connection)
    with duckdb.connect(str(path)) as connection:  # as an older version left it
        connection.execute("COMMENT ON TABLE posters IS 'poster-assets schema 0000'")
        connection.execute("ALTER TABLE titles DROP COLUMN source")
    _SCHEMA_READY.clear()  # a fresh process
    with DuckDBFileDatabase(path, tmp_path / "lock").read() as connection:
        assert schema_is_current(connection)
        assert "source" in [row[0] for row in connection.execute("DESCRIBE titles").fetchall()]
    with duckdb.connect(str(path)) as connection:  # stamp kept: a read trusts it, opens no writer
        connection.execute("ALTER TABLE titles DROP COLUMN source")
    _SCHEMA_READY.clear()
    with DuckDBFileDatabase(path, tmp_path / "lock").read() as connection:
        assert "source" not in [row[0] for row in connection.execute("DESCRIBE titles").fetchall()]
