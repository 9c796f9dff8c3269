"""Where the analysis rows live. One machine: a DuckDB file shared by many processes, made safe
with a cross-process file lock. Several machines: a DuckLake (`store/lake.py`). Both hand out
DuckDB connections, so every query and write is the same SQL on either."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

import duckdb
from filelock import FileLock, Timeout

from poster_assets.errors import PosterAssetsError
from poster_assets.store.schema import ensure_schema, schema_is_current, stamp_schema

DEFAULT_LOCK_TIMEOUT_S = 600.0
SNAPSHOT_COPY_LIMIT_BYTES = 1 << 30


class DatabaseBusyError(PosterAssetsError, RuntimeError):
    """The lock was held by someone else for longer than the timeout."""


class QueryStoppedError(PosterAssetsError, RuntimeError):
    """A user's query on a large store ran long enough to make a waiting writer fail."""


class CorruptStoreError(PosterAssetsError, RuntimeError):
    """The store's file is not a DuckDB database."""


class NewerDuckDBFileError(PosterAssetsError, RuntimeError):
    """The file was written by a newer DuckDB than the pinned one (see `_connect`)."""


def _connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """DuckDB reads only files of its own storage version or older; until 2026-11 this project
    pinned no DuckDB and a home may have been written by 2.x."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "not a valid DuckDB database file" in str(error):
            raise CorruptStoreError(
                f"{path} is not a DuckDB file (damaged or overwritten). Move it aside and run "
                f"`poster-assets ingest` again: posters are re-read from their folders"
            ) from error
        if "newer version of DuckDB" not in str(error):
            raise
        raise NewerDuckDBFileError(
            f"{path} was written by a newer DuckDB than the {duckdb.__version__} this project "
            f"pins (for the DuckLake extension). Move the file aside and run `poster-assets "
            f"ingest` again (posters are re-read from their folders), or EXPORT DATABASE with "
            f"the newer DuckDB and IMPORT DATABASE with this one."
        ) from error


def seal(connection: duckdb.DuckDBPyConnection) -> None:
    """No file, extension or network access from here on (COPY, ATTACH, INSTALL, LOAD,
    read_csv of any path), and no setting may turn it back on: for SQL a user typed."""
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit if the block succeeds, roll back if it raises (a failed commit ends the
    transaction itself)."""
    connection.begin()
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


class PosterDatabase(Protocol):
    """What stages, the CLI and evaluations need of a store."""

    @property
    def location(self) -> str:
        """Where the rows are, for people (a file path or a lake's catalogue and data path)."""
        ...

    def write(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        ...

    def read(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection for queries; the store and its schema are created if missing."""
        ...

    def sealed_read(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A read-only, sealed (`seal`) connection for a user's own SQL, which may run long but
        must never make a writer fail."""
        ...

    def held(self) -> AbstractContextManager[None]:
        """Inside, this thread's reads and writes share one connection: for a short run of
        accesses that would otherwise each open the store."""
        ...


_SCHEMA_READY: set[tuple[str, int] | None] = set()  # files this process has brought up to date


def _migrate(connection: duckdb.DuckDBPyConnection) -> None:
    if not schema_is_current(connection):
        ensure_schema(connection)
        stamp_schema(connection)


class DuckDBFileDatabase:
    """DuckDB admits one writing process at a time, and Dagster runs steps in several processes
    and runs side by side. Every access therefore takes the lock, opens a connection, does one
    short transaction and closes it: writers queue for milliseconds instead of failing on
    DuckDB's lock."""

    def __init__(
        self, path: Path, lock_path: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
    ) -> None:
        self.path = Path(path)
        self._lock = FileLock(str(lock_path), timeout=lock_timeout_s)
        self._lock_timeout_s = lock_timeout_s
        self._held = threading.local()  # the connection `held` keeps open, per thread

    @property
    def location(self) -> str:
        return str(self.path)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with self._lock:
                yield
        except Timeout as error:
            raise DatabaseBusyError(
                f"waited {self._lock_timeout_s:.0f} s for the lock on {self.path}; another "
                f"process still holds it (a long query or a stuck run?)"
            ) from error

    def _file_identity(self) -> tuple[str, int] | None:
        return (str(self.path), self.path.stat().st_ino) if self.path.exists() else None

    def _ensure_schema_once(self, connection: duckdb.DuckDBPyConnection | None = None) -> None:
        """Create missing tables and migrate an older home's, once per file and process
        (a file replaced since is a new file). Called under the lock."""
        if self._file_identity() in _SCHEMA_READY:
            return
        if connection is not None:
            _migrate(connection)
        else:
            with _connect(self.path) as migrating:
                _migrate(migrating)
        _SCHEMA_READY.add(self._file_identity())

    def _read_only_connection(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection on a current schema: one open where the file's stamp says
        it is current, else the schema is brought up to date first. Called under the lock."""
        identity = self._file_identity()
        if identity is not None:
            connection = _connect(self.path, read_only=True)
            if identity in _SCHEMA_READY or schema_is_current(connection):
                _SCHEMA_READY.add(identity)
                return connection
            connection.close()
        self._ensure_schema_once()
        return _connect(self.path, read_only=True)

    def _held_connection(self) -> duckdb.DuckDBPyConnection | None:
        return getattr(self._held, "connection", None)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Opening and closing the file costs ~25 ms, and a stage's step accessed it ~10 times
        (docs/measurements.md, "One connection per run of accesses"). Inside, this thread's
        accesses share one read-write connection, and the lock is held throughout, so other
        processes wait for the whole block: keep it to reads and writes, not long work."""
        if self._held_connection() is not None:
            yield
            return
        with self._locked():
            connection = _connect(self.path)
            try:
                self._ensure_schema_once(connection)
                self._held.connection = connection
                yield
            finally:
                self._held.connection = None
                connection.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        held = self._held_connection()
        if held is not None:
            with transaction(held):
                yield held
            return
        with self._locked():
            connection = _connect(self.path)
            try:
                self._ensure_schema_once(connection)
                with transaction(connection):
                    yield connection
            finally:
                connection.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Read-only, on a schema that is current (an upgraded home's new tables and renamed
        columns are there before its first write). Inside `held`, a read-only transaction on
        the held connection."""
        held = self._held_connection()
        if held is not None:
            held.execute("BEGIN TRANSACTION READ ONLY")
            try:
                yield held
            finally:
                held.rollback()
            return
        with self._locked():
            connection = self._read_only_connection()
            try:
                yield connection
            finally:
                connection.close()

    @contextmanager
    def sealed_read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Up to 1 GB (~9,000 posters) the file is copied under the lock (~1 s a GB,
        docs/design.md) and queried with the lock released, for as long as the query
        takes. A larger file is queried in place, holding the lock, and the query is stopped
        at half the writers' wait so that it delays writers but never makes one fail."""
        if self.path.exists() and self.path.stat().st_size > SNAPSHOT_COPY_LIMIT_BYTES:
            with self._locked(), self._opened_sealed(self._current_path()) as connection:
                deadline = threading.Timer(self._lock_timeout_s / 2, connection.interrupt)
                deadline.start()
                try:
                    yield connection
                except duckdb.InterruptException as error:
                    raise QueryStoppedError(
                        f"the query ran over {self._lock_timeout_s / 2:.0f} s on a store too "
                        f"large to copy ({self.path}), holding up ingests; it was stopped. "
                        f"Narrow it (WHERE, LIMIT) or use a DuckLake store"
                    ) from error
                finally:
                    deadline.cancel()
            return
        with tempfile.TemporaryDirectory(prefix=".snapshot-", dir=self.path.parent) as folder:
            copy = Path(folder) / self.path.name
            with self._locked():
                shutil.copyfile(self._current_path(), copy)
                log = self.path.with_name(self.path.name + ".wal")  # left by a killed writer
                if log.exists():
                    shutil.copyfile(log, copy.with_name(copy.name + ".wal"))
            with self._opened_sealed(copy) as connection:
                yield connection

    def _current_path(self) -> Path:
        """The file, with the schema brought up to date first. Called under the lock."""
        self._ensure_schema_once()
        return self.path

    @staticmethod
    @contextmanager
    def _opened_sealed(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        connection = _connect(path, read_only=True)
        try:
            seal(connection)
            yield connection
        finally:
            connection.close()
