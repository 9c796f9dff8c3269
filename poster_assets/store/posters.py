"""Writes and summaries for the ingest stage: posters, their paths, and failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import pandas as pd

from poster_assets.corpus.batching import new_batch_id
from poster_assets.corpus.ingest import INGEST_STAGE, IngestResult, PathRow, PosterRow
from poster_assets.errors import FAILURE_COLUMNS, FailureKind, PosterAssetsError
from poster_assets.store.database import PosterDatabase


@dataclass(frozen=True)
class BatchSummary:
    batch_id: str
    files: int
    new_posters: int
    already_known: int
    failed: int

    @property
    def failure_rate(self) -> float:
        return self.failed / self.files if self.files else 0.0


def replace_batch_ingest(db: PosterDatabase, batch_id: str, result: IngestResult) -> None:
    """Replace this batch's ingest rows in one transaction. A poster whose content another
    batch already owns keeps that owner; this batch only records the extra path."""
    posters = pd.DataFrame([asdict(row) for row in result.posters], columns=_POSTER_COLUMNS)
    paths = pd.DataFrame([asdict(row) for row in result.paths], columns=_PATH_COLUMNS)
    failures = pd.DataFrame([asdict(row) for row in result.failures], columns=FAILURE_COLUMNS)
    with db.write() as connection:
        connection.execute("DELETE FROM posters WHERE batch_id = ?", [batch_id])
        connection.execute("DELETE FROM poster_paths WHERE batch_id = ?", [batch_id])
        connection.execute(
            "DELETE FROM failures WHERE batch_id = ? AND stage = ?", [batch_id, INGEST_STAGE]
        )
        connection.register("new_posters", posters)
        connection.register("new_paths", paths)
        connection.register("new_failures", failures)
        columns = ", ".join(_POSTER_COLUMNS)
        connection.execute(
            f"INSERT INTO posters ({columns}) SELECT {columns} FROM new_posters "
            "ANTI JOIN posters USING (poster_id)"
        )
        columns = ", ".join(_PATH_COLUMNS)
        connection.execute(
            f"INSERT INTO poster_paths ({columns}) SELECT {columns} FROM new_paths "
            "ANTI JOIN poster_paths USING (poster_id, path)"
        )
        columns = ", ".join(FAILURE_COLUMNS)
        connection.execute(f"INSERT INTO failures ({columns}) SELECT {columns} FROM new_failures")
        for name in ("new_posters", "new_paths", "new_failures"):
            connection.unregister(name)


def ingested_rows(db: PosterDatabase, batch_id: str) -> IngestResult:
    """The batch's posters and paths as stored: what a rerun of its ingest keeps instead of
    reading those files again (one edited since would otherwise become another poster, and
    the analysis of the one it was would lose its poster row)."""
    with db.read() as connection:
        posters = connection.execute(
            f"SELECT {', '.join(_POSTER_COLUMNS)} FROM posters WHERE batch_id = ?", [batch_id]
        ).fetchall()
        paths = connection.execute(
            f"SELECT {', '.join(_PATH_COLUMNS)} FROM poster_paths WHERE batch_id = ?", [batch_id]
        ).fetchall()
    return IngestResult(
        posters=[PosterRow(**dict(zip(_POSTER_COLUMNS, row, strict=True))) for row in posters],
        paths=[PathRow(**dict(zip(_PATH_COLUMNS, row, strict=True))) for row in paths],
    )


def record_unreadable_folders(db: PosterDatabase, root: str, folders: Sequence[str]) -> None:
    """Folders under `root` a scan could not list, as `failures` rows of that scan (their
    files are unknown, so no batch holds them: `batch_id` is the scan's `scan-...` id). They
    replace the rows of earlier scans of `root`, so a folder listed again loses its row."""
    scan_id = f"scan-{new_batch_id()}"
    kind = FailureKind.UNREADABLE_FOLDER.value
    message = "folder could not be listed, so its files were not ingested: fix its permissions"
    now = datetime.now(UTC)
    with db.write() as connection:
        connection.execute(
            "DELETE FROM failures "
            "WHERE stage = ? AND kind = ? AND (path = ? OR starts_with(path, ?))",
            [INGEST_STAGE, kind, root, root.rstrip("/") + "/"],
        )
        for folder in folders:
            connection.execute(
                "INSERT INTO failures VALUES (?, ?, ?, NULL, ?, ?, ?)",
                [scan_id, INGEST_STAGE, folder, kind, message, now],
            )


def summarize_batch(db: PosterDatabase, batch_id: str) -> BatchSummary:
    with db.read() as connection:
        files, new, known, failed = connection.execute(
            """
            SELECT
              (SELECT count(*) FROM batch_files WHERE batch_id = $b),
              (SELECT count(*) FROM posters WHERE batch_id = $b),
              (SELECT count(DISTINCT pp.poster_id) FROM poster_paths pp
                 JOIN posters p USING (poster_id)
                 WHERE pp.batch_id = $b AND p.batch_id <> $b),
              (SELECT count(*) FROM failures WHERE batch_id = $b AND stage = $stage)
            """,
            {"b": batch_id, "stage": INGEST_STAGE},
        ).fetchone()
    return BatchSummary(batch_id, files, new, known, failed)


class UnknownPosterError(PosterAssetsError, LookupError):
    pass


def resolve_poster_id(db: PosterDatabase, prefix: str) -> str:
    """A full poster id from a unique prefix of it (ids are 64 hex digits)."""
    with db.read() as connection:
        matches = connection.execute(
            "SELECT poster_id FROM posters WHERE starts_with(poster_id, ?) LIMIT 2", [prefix]
        ).fetchall()
    if len(matches) != 1:
        found = "no poster" if not matches else "more than one poster"
        raise UnknownPosterError(f"{found} has an id starting with {prefix!r}")
    return matches[0][0]


@dataclass(frozen=True)
class CorpusTotals:
    posters: int
    failures: int
    batches: int


def corpus_totals(db: PosterDatabase) -> CorpusTotals:
    with db.read() as connection:
        posters, failures, batches = connection.execute(
            "SELECT (SELECT count(*) FROM posters), (SELECT count(*) FROM failures), "
            "(SELECT count(*) FROM batches)"
        ).fetchone()
    return CorpusTotals(posters, failures, batches)


def batch_poster_paths(db: PosterDatabase, batch_id: str, limit: int) -> list[tuple[str, str]]:
    """(poster_id, path) of the first files by path the batch registered as posters, new or
    already known."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT poster_id, path FROM poster_paths WHERE batch_id = ? ORDER BY path LIMIT ?",
            [batch_id, limit],
        ).fetchall()
    return [(poster_id, path) for poster_id, path in rows]


_POSTER_COLUMNS = [
    "poster_id",
    "batch_id",
    "path",
    "width",
    "height",
    "format",
    "source_mode",
    "frame_count",
    "exif_transposed",
    "file_bytes",
    "ingested_at",
]
_PATH_COLUMNS = ["poster_id", "path", "batch_id", "seen_at"]
