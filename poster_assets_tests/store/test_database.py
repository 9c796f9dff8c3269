from __future__ import annotations

import gzip
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from poster_assets.corpus.discovery import FileEntry
from poster_assets.corpus.ingest import FailureRow, IngestResult, PathRow, PosterRow
from poster_assets.home import PosterHome
from poster_assets.store.batches import (
    batch_file_paths,
    register_batches,
    sensor_batches_missing_from,
)
from poster_assets.store.database import (
    DatabaseBusyError,
    DuckDBFileDatabase,
    NewerDuckDBFileError,
    PosterDatabase,
)
from poster_assets.store.lake import CATALOG_ENV_VAR, DATA_PATH_ENV_VAR, LakeLocation
from poster_assets.store.opening import open_database
from poster_assets.store.posters import replace_batch_ingest, summarize_batch
from poster_assets_tests.conftest import REPO_ROOT


@pytest.fixture(params=["file", "lake"])
def store_environment(request: pytest.FixtureRequest) -> dict[str, str]:
    """No variables: the home's DuckDB file; the `lake` parameter: a real DuckLake."""
    if request.param == "file":
        return {}
    lake: LakeLocation = request.getfixturevalue("lake")
    return {CATALOG_ENV_VAR: lake.catalog, DATA_PATH_ENV_VAR: lake.data_path}


@pytest.fixture
def db(home: PosterHome, store_environment: dict[str, str]) -> PosterDatabase:
    return open_database(home, store_environment)


def _entry(path: str, size: int = 10) -> FileEntry:
    return FileEntry(path=path, size=size, mtime_ns=1, ctime_ns=1)


def _poster(poster_id: str, batch_id: str) -> PosterRow:
    return PosterRow(
        poster_id,
        batch_id,
        f"/p/{poster_id}.jpg",
        300,
        450,
        "JPEG",
        "RGB",
        1,
        False,
        100,
        datetime.now(UTC),
    )


def _result(batch_id: str, poster_ids: list[str], failed: int = 0) -> IngestResult:
    now = datetime.now(UTC)
    return IngestResult(
        posters=[_poster(pid, batch_id) for pid in poster_ids],
        paths=[PathRow(pid, f"/p/{pid}.jpg", batch_id, now) for pid in poster_ids],
        failures=[
            FailureRow(batch_id, "ingest", f"/p/bad{i}.jpg", None, "empty_file", "empty", now)
            for i in range(failed)
        ],
    )


def test_registration_skips_unchanged_files_and_empty_batches(db: PosterDatabase) -> None:
    first = register_batches(db, [("b1", [_entry("/a"), _entry("/b")])], "cli", "/")
    assert first == {"b1": ["/a", "/b"]}
    again = register_batches(db, [("b2", [_entry("/a"), _entry("/b", size=11)])], "cli", "/")
    assert again == {"b2": ["/b"]}  # /b changed size, so it is new; /a is not
    assert register_batches(db, [("b3", [_entry("/a")])], "cli", "/") == {}
    assert batch_file_paths(db, "b2") == ["/b"]
    with db.read() as connection:
        assert connection.execute("SELECT count(*) FROM batches").fetchone() == (2,)


def test_sensor_batches_without_partition_are_found(db: PosterDatabase) -> None:
    register_batches(db, [("s1", [_entry("/a")]), ("s2", [_entry("/b")])], "sensor", "/")
    register_batches(db, [("c1", [_entry("/c")])], "cli", "/")
    assert sensor_batches_missing_from(db, {"s1"}) == ["s2"]


def test_replacing_a_batch_never_duplicates(db: PosterDatabase) -> None:
    register_batches(db, [("b1", [_entry("/p/x.jpg"), _entry("/p/y.jpg")])], "cli", "/")
    for _ in range(3):
        replace_batch_ingest(db, "b1", _result("b1", ["x", "y"], failed=1))
    with db.read() as connection:
        counts = connection.execute(
            "SELECT (SELECT count(*) FROM posters), (SELECT count(*) FROM poster_paths), "
            "(SELECT count(*) FROM failures)"
        ).fetchone()
    assert counts == (2, 2, 1)


def test_content_owned_by_another_batch_counts_as_known(db: PosterDatabase) -> None:
    register_batches(db, [("b1", [_entry("/p/x.jpg")])], "cli", "/")
    replace_batch_ingest(db, "b1", _result("b1", ["x"]))
    now = datetime.now(UTC)
    register_batches(db, [("b2", [_entry("/q/x-copy.jpg")])], "cli", "/")
    replace_batch_ingest(
        db,
        "b2",
        IngestResult(
            posters=[_poster("x", "b2")], paths=[PathRow("x", "/q/x-copy.jpg", "b2", now)]
        ),
    )
    summary = summarize_batch(db, "b2")
    assert (summary.files, summary.new_posters, summary.already_known) == (1, 0, 1)
    with db.read() as connection:
        owner = connection.execute("SELECT batch_id FROM posters WHERE poster_id = 'x'").fetchone()
        paths = connection.execute(
            "SELECT count(*) FROM poster_paths WHERE poster_id = 'x'"
        ).fetchone()
    assert owner == ("b1",) and paths == (2,)


def test_a_failed_write_rolls_back(db: PosterDatabase) -> None:
    with pytest.raises(RuntimeError), db.write() as connection:
        connection.execute("INSERT INTO batches VALUES ('b', 'cli', '/', 1, now())")
        raise RuntimeError("boom")
    with db.read() as connection:
        assert connection.execute("SELECT count(*) FROM batches").fetchone() == (0,)


def test_reads_cannot_write(db: PosterDatabase) -> None:
    with pytest.raises(duckdb.Error, match="read-only"), db.read() as connection:
        connection.execute("INSERT INTO batches VALUES ('b', 'cli', '/', 1, now())")
    with db.read() as connection:
        assert connection.execute("SELECT count(*) FROM batches").fetchone() == (0,)


def test_held_accesses_keep_their_guarantees(db: PosterDatabase) -> None:
    """Inside `held`: writes commit (or roll back alone), reads see them and cannot write; on
    the file, all on one connection."""
    with db.held():
        with db.write() as connection:
            connection.execute("INSERT INTO batches VALUES ('kept', 'cli', '/', 1, now())")
            written_on = connection
        with db.read() as connection:
            if isinstance(db, DuckDBFileDatabase):  # the lake hands out a cursor an access
                assert connection is written_on
        with pytest.raises(RuntimeError), db.write() as connection:
            connection.execute("INSERT INTO batches VALUES ('undone', 'cli', '/', 1, now())")
            raise RuntimeError("boom")
        with pytest.raises(duckdb.Error, match="read-only"), db.read() as connection:
            connection.execute("INSERT INTO batches VALUES ('refused', 'cli', '/', 1, now())")
        with db.held(), db.read() as connection:  # nested: the same connection
            assert connection.execute("SELECT batch_id FROM batches").fetchall() == [("kept",)]
    with db.read() as connection:
        assert connection.execute("SELECT batch_id FROM batches").fetchall() == [("kept",)]


def test_held_keeps_other_accessors_out_until_it_ends(home: PosterHome) -> None:
    """One open connection for the block means the lock for the block: another process
    (here a second lock holder) waits."""
    holder = DuckDBFileDatabase(home.duckdb_path, home.lock_path)
    impatient = DuckDBFileDatabase(home.duckdb_path, home.lock_path, lock_timeout_s=0.2)
    with holder.held():
        with holder.read() as connection:
            connection.execute("SELECT count(*) FROM batches").fetchone()
        with pytest.raises(DatabaseBusyError), impatient.read():
            pass
    with impatient.read() as connection:
        assert connection.execute("SELECT count(*) FROM batches").fetchone() == (0,)


def test_lock_timeout_is_a_clear_error(home: PosterHome) -> None:
    holder = DuckDBFileDatabase(home.duckdb_path, home.lock_path)
    impatient = DuckDBFileDatabase(home.duckdb_path, home.lock_path, lock_timeout_s=0.2)
    with (
        holder.write(),
        pytest.raises(DatabaseBusyError, match="another process still holds"),
        impatient.read(),
    ):
        pass


def _write_batches(root: str, environ: dict[str, str], worker: int, batches: int) -> None:
    db = open_database(PosterHome(Path(root)), environ)
    for index in range(batches):
        batch_id = f"w{worker}-b{index}"
        ids = [f"{batch_id}-p{n}" for n in range(20)]
        register_batches(db, [(batch_id, [_entry(f"/p/{pid}.jpg") for pid in ids])], "cli", "/")
        replace_batch_ingest(db, batch_id, _result(batch_id, ids))


def test_many_processes_write_at_once_without_lock_errors_or_lost_rows(
    home: PosterHome, db: PosterDatabase, store_environment: dict[str, str]
) -> None:
    """On the lake, the processes stand for machines: nothing but the lake is shared."""
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_batches, args=(str(home.root), store_environment, worker, 5))
        for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0, 0, 0, 0]
    with db.read() as connection:
        assert connection.execute("SELECT count(*) FROM posters").fetchone() == (4 * 5 * 20,)
        assert connection.execute("SELECT count(*) FROM batches").fetchone() == (20,)


def test_a_file_from_a_newer_duckdb_says_what_to_do(home: PosterHome) -> None:
    """A home written under DuckDB 2.x (the fixture: an empty database 2.0.1 made)."""
    fixture = REPO_ROOT / "poster_assets_tests" / "data" / "empty-duckdb-2.0.1.duckdb.gz"
    home.duckdb_path.write_bytes(gzip.decompress(fixture.read_bytes()))
    db = DuckDBFileDatabase(home.duckdb_path, home.lock_path)
    expected = "Move the file aside and run `poster-assets"
    with pytest.raises(NewerDuckDBFileError, match=expected), db.read():
        pass
