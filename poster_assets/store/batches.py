"""Which files belong to which ingest batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd

from poster_assets.corpus.discovery import FileEntry
from poster_assets.store.database import PosterDatabase


def register_batches(
    db: PosterDatabase,
    batches: Sequence[tuple[str, Sequence[FileEntry]]],
    source: str,
    source_dir: str,
) -> dict[str, list[str]]:
    """Record each (batch_id, files) in one transaction, skipping files already registered
    unchanged (same path, size and mtime). Returns the paths newly registered per batch;
    batches with none are not created."""
    registered: dict[str, list[str]] = {}
    now = datetime.now(UTC)
    with db.write() as connection:
        for batch_id, entries in batches:
            incoming = pd.DataFrame(
                {
                    "batch_id": batch_id,
                    "path": [entry.path for entry in entries],
                    "size": [entry.size for entry in entries],
                    "mtime_ns": [entry.mtime_ns for entry in entries],
                }
            ).drop_duplicates(subset=["path", "size", "mtime_ns"])
            connection.register("incoming_files", incoming)
            fresh = connection.execute(
                """
                SELECT i.batch_id, i.path, i.size, i.mtime_ns
                FROM incoming_files i ANTI JOIN batch_files b USING (path, size, mtime_ns)
                """
            ).df()
            connection.unregister("incoming_files")
            connection.register("fresh_files", fresh)
            connection.execute("INSERT INTO batch_files SELECT * FROM fresh_files")
            connection.unregister("fresh_files")
            paths = fresh["path"].tolist()
            if not paths:
                continue
            connection.execute(
                "INSERT INTO batches VALUES (?, ?, ?, ?, ?)",
                [batch_id, source, source_dir, len(paths), now],
            )
            registered[batch_id] = sorted(paths)
    return registered


def batch_file_paths(db: PosterDatabase, batch_id: str) -> list[str]:
    with db.read() as connection:
        rows = connection.execute(
            "SELECT path FROM batch_files WHERE batch_id = ? ORDER BY path", [batch_id]
        ).fetchall()
    return [path for (path,) in rows]


def sensor_batches_missing_from(db: PosterDatabase, partition_keys: set[str]) -> list[str]:
    """Sensor-registered batches that have no Dagster partition yet (e.g. a tick that died
    between registering and returning): the sensor requests them again."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT batch_id FROM batches WHERE source = 'sensor' ORDER BY batch_id"
        ).fetchall()
    return [batch_id for (batch_id,) in rows if batch_id not in partition_keys]


def all_batch_ids(db: PosterDatabase) -> list[str]:
    with db.read() as connection:
        return [
            row[0]
            for row in connection.execute("SELECT batch_id FROM batches ORDER BY 1").fetchall()
        ]


def batch_ids_from(db: PosterDatabase, source: str) -> list[str]:
    """The batches registered by 'cli' (ingest) or by the 'sensor'."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT batch_id FROM batches WHERE source = ? ORDER BY batch_id", [source]
        ).fetchall()
    return [batch_id for (batch_id,) in rows]
