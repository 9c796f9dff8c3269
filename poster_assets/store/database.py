"""One DuckDB file shared by many processes, made safe with a cross-process file lock.

DuckDB admits one writing process at a time, and Dagster runs steps in several processes and
runs side by side. Every access therefore takes the lock, opens a connection, does one short
transaction and closes it: writers queue for milliseconds instead of failing on DuckDB's lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from poster_assets.store.schema import ensure_schema

DEFAULT_LOCK_TIMEOUT_S = 600.0


class DatabaseBusyError(RuntimeError):
    """The lock was held by someone else for longer than the timeout."""


class PosterDatabase:
    def __init__(
        self, path: Path, lock_path: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
    ) -> None:
        self.path = Path(path)
        self._lock = FileLock(str(lock_path), timeout=lock_timeout_s)
        self._lock_timeout_s = lock_timeout_s

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

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        with self._locked():
            connection = duckdb.connect(str(self.path))
            try:
                ensure_schema(connection)
                connection.begin()
                try:
                    yield connection
                except BaseException:
                    connection.rollback()
                    raise
                connection.commit()
            finally:
                connection.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection; creates the file with its schema if it does not exist yet."""
        with self._locked():
            if not self.path.exists():
                with duckdb.connect(str(self.path)) as creating:
                    ensure_schema(creating)
            connection = duckdb.connect(str(self.path), read_only=True)
            try:
                yield connection
            finally:
                connection.close()
