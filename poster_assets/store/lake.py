"""Analysis rows in a DuckLake: a PostgreSQL catalogue plus Parquet files in a folder every
machine mounts, so Celery workers on several machines write one store (docs/scaling.md).

DuckLake gives snapshot isolation and settles concurrent commits itself (retrying those that do
not conflict), so no file lock is needed. It has no primary keys or fixed-size arrays: its
tables are derived from the DuckDB file's schema with those left out, and every write in
`store/` is plain DELETE + INSERT, valid on both.
"""

from __future__ import annotations

import importlib
import importlib.resources
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from poster_assets.errors import PosterAssetsError
from poster_assets.store.database import seal, transaction
from poster_assets.store.schema import ensure_schema

CATALOG_ENV_VAR = "POSTER_ASSETS_LAKE_CATALOG"  # libpq string: "dbname=lake host=... user=..."
DATA_PATH_ENV_VAR = "POSTER_ASSETS_LAKE_DATA"  # a folder every worker mounts at the same path
LAKE_ALIAS = "lake"
EXTENSIONS = ("postgres_scanner", "ducklake")  # from the duckdb-extension-* wheels, offline
SETUP_ATTEMPTS = 8
T = TypeVar("T")


class LakeSetupError(PosterAssetsError, RuntimeError):
    """The lake could not be opened (extension, catalogue or data path)."""


@dataclass(frozen=True)
class LakeLocation:
    catalog: str
    data_path: str

    @property
    def shown_catalog(self) -> str:
        """The catalogue string without its password, for messages and run metadata."""
        return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", self.catalog)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> LakeLocation | None:
        """Both variables set: the lake; neither: None (the home's DuckDB file); one: error."""
        catalog, data_path = environ.get(CATALOG_ENV_VAR, ""), environ.get(DATA_PATH_ENV_VAR, "")
        if not catalog and not data_path:
            return None
        if not catalog or not data_path:
            raise LakeSetupError(
                f"set both {CATALOG_ENV_VAR} (the PostgreSQL catalogue) and {DATA_PATH_ENV_VAR} "
                f"(the shared data folder), or neither for the home's DuckDB file"
            )
        return cls(catalog, data_path.rstrip("/") + "/")


def extension_file(name: str) -> str:
    """The extension shipped for this DuckDB version by the `duckdb-extension-<name>` wheel."""
    version = duckdb.__version__
    try:
        package = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError as error:
        raise LakeSetupError(
            f"DuckDB extension {name!r} is not installed: pip install "
            f"duckdb-extension-{name.replace('_', '-')}=={version}"
        ) from error
    path = importlib.resources.files(package) / "extensions" / f"v{version}"
    path = path / f"{name}.duckdb_extension"
    if not path.is_file():
        raise LakeSetupError(
            f"the installed duckdb-extension-{name.replace('_', '-')} has no build for "
            f"DuckDB {version}; install the release with the same version as duckdb"
        )
    return str(path)


def lake_table_statements(connection: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per table of the DuckDB file's schema, its column definitions as DuckLake takes them:
    no keys, fixed-size arrays as lists."""
    columns = connection.execute(
        """
        SELECT table_name, column_name, data_type, is_nullable
        FROM information_schema.columns
        WHERE table_catalog = current_database() AND table_schema = 'main'
        ORDER BY table_name, ordinal_position
        """
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column, data_type, nullable in columns:
        lake_type = re.sub(r"\[\d+\]$", "[]", data_type)
        not_null = "" if nullable == "YES" else " NOT NULL"
        tables.setdefault(table, []).append(f"{column} {lake_type}{not_null}")
    return tables


def _reference_tables() -> dict[str, list[str]]:
    with duckdb.connect() as scratch:
        ensure_schema(scratch)
        return lake_table_statements(scratch)


def _ensure_lake_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and add missing columns (columns added to the schema later)."""
    for table, columns in _reference_tables().items():
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})")
        present = {
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM duckdb_columns() "
                "WHERE database_name = ? AND table_name = ?",
                [LAKE_ALIAS, table],
            ).fetchall()
        }
        for column in columns:
            if column.split(" ", 1)[0] not in present:
                definition = column.removesuffix(" NOT NULL")  # existing rows have none
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")


def _retrying(action: Callable[[], T], what: str) -> T:
    """Processes that open a new lake at once race to create its catalogue and tables; the
    losers fail and find them made when they try again."""
    for attempt in range(1, SETUP_ATTEMPTS + 1):
        try:
            return action()
        except duckdb.Error as error:
            if attempt == SETUP_ATTEMPTS:
                raise LakeSetupError(f"{what} failed {attempt} times: {error}") from error
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def _attached(location: LakeLocation, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    try:
        for name in EXTENSIONS:
            connection.execute(f"LOAD '{extension_file(name)}'")
        literal = f"ducklake:postgres:{location.catalog}".replace("'", "''")
        options = "DATA_PATH ?, READ_ONLY" if read_only else "DATA_PATH ?"
        attach = f"ATTACH '{literal}' AS {LAKE_ALIAS} ({options})"
        connection.execute(attach, [location.data_path])
        connection.execute(f"USE {LAKE_ALIAS}")
    except BaseException:
        connection.close()
        raise
    return connection


def _with_schema(connection: duckdb.DuckDBPyConnection) -> None:
    with transaction(connection):
        _ensure_lake_schema(connection)


def _attach(location: LakeLocation) -> duckdb.DuckDBPyConnection:
    os.makedirs(location.data_path, exist_ok=True)
    connection = _retrying(lambda: _attached(location), f"attaching {location.shown_catalog!r}")
    _retrying(lambda: _with_schema(connection), "creating the lake's tables")
    return connection


class LakeDatabase:
    """One attached lake per process (attaching costs ~0.5 s); each access takes its own
    cursor, so threads may read and write at once."""

    _attached: dict[tuple[int, LakeLocation], duckdb.DuckDBPyConnection] = {}
    _attaching = threading.Lock()

    def __init__(self, location: LakeLocation) -> None:
        self._location = location

    @property
    def location(self) -> str:
        shown = self._location.shown_catalog
        return f"DuckLake catalogue {shown!r}, data {self._location.data_path}"

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        key = (os.getpid(), self._location)  # a forked worker attaches anew
        with self._attaching:
            if key not in self._attached:
                self._attached[key] = _attach(self._location)
            cursor = self._attached[key].cursor()
        cursor.execute(f"USE {LAKE_ALIAS}")
        return cursor

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._cursor()
        try:
            with transaction(cursor):
                yield cursor
        finally:
            cursor.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Inside one read-only transaction: every query of the block sees the same snapshot,
        and a write is refused (as on the DuckDB file, opened read-only for reads)."""
        cursor = self._cursor()
        try:
            cursor.execute("BEGIN TRANSACTION READ ONLY")
            yield cursor
            cursor.rollback()
        finally:
            cursor.close()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Nothing to hold: the lake's connection stays attached for the process's life."""
        yield

    @contextmanager
    def sealed_read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of its own (the process's shared one keeps its file access), attached
        read-only and reaching no file outside the lake's data folder. DuckLake reads a
        snapshot and takes no lock, so a long query delays no writer."""
        location = self._location
        connection = _retrying(
            lambda: _attached(location, read_only=True), f"attaching {location.shown_catalog!r}"
        )
        try:
            connection.execute("SET allowed_directories = ?", [[location.data_path]])
            seal(connection)
            yield connection
        finally:
            connection.close()
