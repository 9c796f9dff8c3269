"""Per-poster state of each analysis stage, so a rerun skips finished posters and retries
failed ones, and a new model version reprocesses everything it touched."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple

import pandas as pd

from poster_assets.store.database import PosterDatabase


class PosterRef(NamedTuple):
    poster_id: str
    path: str


def pending_posters(
    db: PosterDatabase, stage: str, version: str, batch_id: str, upstream: tuple[str, ...] = ()
) -> list[PosterRef]:
    """The batch's posters not yet done by `stage` at `version`, or done before one of the
    `upstream` stages last finished them (so redone layers redo what was derived from them)."""
    stale = "".join(
        f" OR EXISTS (SELECT 1 FROM stage_runs u WHERE u.poster_id = p.poster_id "
        f"AND u.stage = ${index + 4} AND u.finished_at > s.finished_at)"
        for index in range(len(upstream))
    )
    with db.read() as connection:
        rows = connection.execute(
            f"""
            SELECT p.poster_id, p.path FROM posters p
            LEFT JOIN stage_runs s
              ON s.poster_id = p.poster_id AND s.stage = $1 AND s.version = $2
                 AND s.status = 'done'
            WHERE p.batch_id = $3 AND (s.poster_id IS NULL{stale})
            ORDER BY p.path
            """,
            [stage, version, batch_id, *upstream],
        ).fetchall()
    return [PosterRef(*row) for row in rows]


def replace_stage_rows(
    db: PosterDatabase,
    *,
    stage: str,
    version: str,
    batch_id: str,
    tables: Mapping[str, pd.DataFrame],
    done: list[str],
    failures: pd.DataFrame,
    only_where: tuple[str, str] | None = None,
) -> None:
    """In one transaction: replace each table's rows of the processed posters, record which
    are done and which failed (with their failure rows). `only_where` (column, value) limits
    the replaced rows, for tables several stages share (embeddings, by model)."""
    processed = done + failures["sha256"].tolist()
    now = datetime.now(UTC)
    status = pd.DataFrame(
        {
            "stage": stage,
            "poster_id": processed,
            "batch_id": batch_id,
            "version": version,
            "status": ["done"] * len(done) + ["failed"] * len(failures),
            "finished_at": now,
        }
    )
    with db.write() as connection:
        connection.register("processed", pd.DataFrame({"poster_id": processed}, dtype="string"))
        connection.execute(
            "DELETE FROM failures WHERE stage = ? AND sha256 IN (SELECT poster_id FROM processed)",
            [stage],
        )
        for table, rows in tables.items():
            scope, values = "", []
            if only_where is not None:
                scope, values = f" AND {only_where[0]} = ?", [only_where[1]]
            connection.execute(
                f"DELETE FROM {table} WHERE poster_id IN (SELECT poster_id FROM processed){scope}",
                values,
            )
            if len(rows):
                connection.register("new_rows", rows)
                columns = ", ".join(rows.columns)
                connection.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM new_rows"
                )
                connection.unregister("new_rows")
        if len(failures):
            connection.register("new_failures", failures)
            columns = ", ".join(failures.columns)
            connection.execute(
                f"INSERT INTO failures ({columns}) SELECT {columns} FROM new_failures"
            )
        connection.register("new_status", status)
        connection.execute(
            "DELETE FROM stage_runs WHERE stage = ? "
            "AND poster_id IN (SELECT poster_id FROM processed)",
            [stage],
        )
        connection.execute("INSERT INTO stage_runs SELECT * FROM new_status")


def poster_sizes(db: PosterDatabase, poster_ids: list[str]) -> list[tuple[str, int, int]]:
    with db.read() as connection:
        connection.register("wanted", pd.DataFrame({"poster_id": poster_ids}, dtype="string"))
        return connection.execute(
            "SELECT poster_id, width, height FROM posters JOIN wanted USING (poster_id) "
            "ORDER BY poster_id"
        ).fetchall()


def rows_for_posters(db: PosterDatabase, table: str, poster_ids: list[str]) -> pd.DataFrame:
    with db.read() as connection:
        connection.register("wanted", pd.DataFrame({"poster_id": poster_ids}, dtype="string"))
        return connection.execute(f"SELECT * FROM {table} JOIN wanted USING (poster_id)").df()


def layer_inputs(db: PosterDatabase, stage: str, version: str, batch_id: str) -> pd.DataFrame:
    """The batch's posters with a depth map, not yet done by `stage` at `version`, with their
    title box (NULLs when no title)."""
    with db.read() as connection:
        return connection.execute(
            """
            SELECT p.poster_id, p.path, p.width, p.height, d.depth_png,
                   t.title_text, t.x0, t.y0, t.x1, t.y1
            FROM posters p
            JOIN depth_maps d USING (poster_id)
            LEFT JOIN titles t USING (poster_id)
            LEFT JOIN stage_runs s
              ON s.poster_id = p.poster_id AND s.stage = ? AND s.version = ? AND s.status = 'done'
            WHERE p.batch_id = ? AND s.poster_id IS NULL
            ORDER BY p.path
            """,
            [stage, version, batch_id],
        ).df()
