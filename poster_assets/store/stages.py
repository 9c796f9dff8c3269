"""Per-poster state of each analysis stage, so a rerun skips finished posters and retries
failed ones, and a new model version reprocesses everything it touched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.stages.runner import PosterRef
from poster_assets.stages.stored import (
    LayerMap,
    foreground_masks,
    layer_maps,
    role_maps,
    subject_extents,
)
from poster_assets.stages.tables import CORE_READS
from poster_assets.store.database import PosterDatabase


def pending_posters(
    db: PosterDatabase,
    stage: str,
    version: str,
    batch_id: str,
    upstream: Sequence[str] = (),
    requires: Sequence[str] = (),
    reads: Sequence[str] = (),
) -> list[PosterRef]:
    """The batch's posters not yet done by `stage` at `version`, or done before one of the
    `upstream` stages last finished them (so redone titles redo the layers derived from
    them) or before their row of a core table it `reads` changed (metadata loaded later).
    Posters without rows in every `requires` table are left for later."""
    stale = "".join(
        f" OR EXISTS (SELECT 1 FROM stage_runs u WHERE u.poster_id = p.poster_id "
        f"AND u.stage = ${index + 4} AND u.finished_at > s.finished_at)"
        for index in range(len(upstream))
    ) + "".join(
        f" OR EXISTS (SELECT 1 FROM {table} c WHERE c.poster_id = p.poster_id "
        f"AND c.{CORE_READS[table]} > s.finished_at)"
        for table in reads
        if table in CORE_READS
    )
    present = "".join(
        f" AND EXISTS (SELECT 1 FROM {table} r WHERE r.poster_id = p.poster_id)"
        for table in requires
    )
    with db.read() as connection:
        rows = connection.execute(
            f"""
            SELECT p.poster_id, p.path, p.width, p.height FROM posters p
            LEFT JOIN stage_runs s
              ON s.poster_id = p.poster_id AND s.stage = $1 AND s.version = $2
                 AND s.status = 'done'
            WHERE p.batch_id = $3 AND (s.poster_id IS NULL{stale}){present}
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
    seconds: Mapping[str, float] | None = None,
    only_where: tuple[str, str] | None = None,
) -> None:
    """In one transaction: replace each table's rows of the processed posters, record which
    are done and which failed (with their failure rows and each poster's `seconds` in the
    stage). `only_where` (column, value) limits the replaced rows, for tables several stages
    share (embeddings, by model)."""
    processed = done + failures["poster_id"].tolist()
    took = seconds or {}
    now = datetime.now(UTC)
    status = pd.DataFrame(
        {
            "stage": stage,
            "poster_id": processed,
            "batch_id": batch_id,
            "version": version,
            "status": ["done"] * len(done) + ["failed"] * len(failures),
            "finished_at": now,
            "seconds": pd.Series([took.get(poster) for poster in processed], dtype="float64"),
        }
    )
    with db.write() as connection:
        connection.register("processed", pd.DataFrame({"poster_id": processed}, dtype="string"))
        connection.execute(
            "DELETE FROM failures WHERE stage = ? "
            "AND poster_id IN (SELECT poster_id FROM processed)",
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
        columns = ", ".join(status.columns)
        connection.execute(f"INSERT INTO stage_runs ({columns}) SELECT {columns} FROM new_status")


def rows_for_posters(db: PosterDatabase, table: str, poster_ids: list[str]) -> pd.DataFrame:
    with db.read() as connection:
        connection.register("wanted", pd.DataFrame({"poster_id": poster_ids}, dtype="string"))
        return connection.execute(f"SELECT * FROM {table} JOIN wanted USING (poster_id)").df()


@dataclass(frozen=True)
class StoredRows:
    """The store as the stages' `RowReader`: rows of given posters from any table, and the
    posters' kept copies."""

    db: PosterDatabase
    copies: PosterCopies

    def rows(self, table: str, poster_ids: Sequence[str]) -> pd.DataFrame:
        return rows_for_posters(self.db, table, list(poster_ids))

    def poster_rgb(self, poster_id: str, path: str) -> np.ndarray:
        return self.copies.rgb(poster_id, path)


def load_layer_maps(db: PosterDatabase, poster_ids: list[str]) -> dict[str, LayerMap]:
    """Posters without layers (no depth model, or a failed depth stage) are left out."""
    return layer_maps(rows_for_posters(db, "layers", poster_ids))


def load_foreground_masks(db: PosterDatabase, poster_ids: list[str]) -> dict[str, np.ndarray]:
    return foreground_masks(rows_for_posters(db, "foreground", poster_ids))


def load_subject_extents(db: PosterDatabase, poster_ids: list[str]) -> dict[str, np.ndarray]:
    """Each poster's composition subjects together, whole (`stored.subject_extents`)."""
    return subject_extents(rows_for_posters(db, "composition_roles", poster_ids))


def load_role_maps(db: PosterDatabase, poster_ids: list[str]) -> dict[str, np.ndarray]:
    """The `composition` stage's role maps (poster pixels) by poster."""
    return role_maps(rows_for_posters(db, "composition", poster_ids))
