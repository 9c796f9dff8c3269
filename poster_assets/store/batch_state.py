"""What one batch holds for a stage, read from the store: what an asset's metadata states,
whatever the run that wrote it did (a rerun with nothing to do reports the same batch).

A batch's posters are those first ingested in it and those it registered again under another
path (already known): a batch of known posters shows them, done by the batch that found them
first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from poster_assets.stages.tables import TableSpec
from poster_assets.store.database import PosterDatabase

# The batch's posters (parameter $batch), for a WITH clause.
BATCH_POSTERS = """batch_posters AS (
    SELECT p.poster_id, p.path FROM posters p
    WHERE p.batch_id = $batch
       OR p.poster_id IN (SELECT poster_id FROM poster_paths WHERE batch_id = $batch)
)"""


@dataclass(frozen=True)
class StageBatchState:
    posters: int  # the batch's posters, known ones included
    done: int  # done at the stage's current version
    failed: int  # failed at the current version
    seconds: list[float]  # each done or failed poster's recorded time in the stage

    @property
    def pending(self) -> int:
        return self.posters - self.done - self.failed


def stage_batch_state(
    db: PosterDatabase, stage: str, version: str, batch_id: str
) -> StageBatchState:
    with db.read() as connection:
        rows = connection.execute(
            f"""
            WITH {BATCH_POSTERS}
            SELECT s.status, s.seconds FROM batch_posters b
            JOIN stage_runs s ON s.poster_id = b.poster_id AND s.stage = $stage
                 AND s.version = $version
            """,
            {"stage": stage, "version": version, "batch": batch_id},
        ).fetchall()
        (posters,) = connection.execute(
            f"WITH {BATCH_POSTERS} SELECT count(*) FROM batch_posters", {"batch": batch_id}
        ).fetchone()
    return StageBatchState(
        posters=posters,
        done=sum(status == "done" for status, _ in rows),
        failed=sum(status == "failed" for status, _ in rows),
        seconds=[seconds for _, seconds in rows if seconds is not None],
    )


def batch_rows(db: PosterDatabase, table: TableSpec, batch_id: str) -> pd.DataFrame:
    """The table's rows of the batch's posters with each poster's `poster_path`, without
    pictures and vectors (summaries and listings never need them, and a batch's vectors are
    megabytes)."""
    columns = ", ".join(f"t.{name}" for name in table.light_column_names)
    with db.read() as connection:
        return connection.execute(
            f"WITH {BATCH_POSTERS} SELECT {columns}, b.path AS poster_path FROM {table.name} t "
            "JOIN batch_posters b ON b.poster_id = t.poster_id",
            {"batch": batch_id},
        ).df()


def batch_done_posters(
    db: PosterDatabase, stage: str, version: str, batch_id: str, limit: int
) -> list[str]:
    """The batch's first posters by path that the stage finished at its current version."""
    with db.read() as connection:
        rows = connection.execute(
            f"""
            WITH {BATCH_POSTERS}
            SELECT b.poster_id FROM batch_posters b
            JOIN stage_runs s ON s.poster_id = b.poster_id AND s.stage = $stage
                 AND s.version = $version AND s.status = 'done'
            ORDER BY b.path LIMIT $limit
            """,
            {"stage": stage, "version": version, "batch": batch_id, "limit": limit},
        ).fetchall()
    return [poster_id for (poster_id,) in rows]


def stages_stamp(db: PosterDatabase, poster_ids: Sequence[str], stages: Sequence[str]) -> str:
    """When `stages` last finished these posters: a picture drawn from their rows is the same
    while this is."""
    with db.read() as connection:
        connection.register("wanted", pd.DataFrame({"poster_id": list(poster_ids)}, dtype="string"))
        rows = connection.execute(
            "SELECT poster_id, stage, version, epoch_us(finished_at) FROM stage_runs "
            "JOIN wanted USING (poster_id) WHERE list_contains($stages, stage) "
            "ORDER BY poster_id, stage",
            {"stages": list(stages)},
        ).fetchall()
    return ";".join(":".join(str(value) for value in row) for row in rows)
