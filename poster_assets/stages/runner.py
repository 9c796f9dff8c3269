"""Running a stage's per-poster function over a batch: in a thread pool, rows in the posters'
order, one failure row per poster that raises, each poster's time recorded."""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import pandas as pd
from tqdm import tqdm

from poster_assets.errors import FAILURE_COLUMNS, FailureRow
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.models.openvino_runtime import initialise_numpy_bridge
from poster_assets.stages.spec import PosterInput, ProcessPoster, Rows
from poster_assets.stages.tables import TableSpec
from poster_assets.timing import median_p90_ms


class PosterRef(NamedTuple):
    """A poster a stage has to process, as the store lists them."""

    poster_id: str
    path: str  # the file it was registered from (what failures name)
    width: int
    height: int


class StageOutputError(RuntimeError):
    """A stage's per-poster function returned rows that do not match its declared tables: a
    bug in the stage, recorded as that poster's failure."""


def failure_frame(rows: Sequence[FailureRow]) -> pd.DataFrame:
    return pd.DataFrame([asdict(row) for row in rows], columns=FAILURE_COLUMNS)


@dataclass
class StageResult:
    tables: dict[str, pd.DataFrame]
    done: list[str]
    failures: pd.DataFrame
    seconds: list[float] = field(default_factory=list)  # per poster processed, failed ones too

    def timing(self) -> dict[str, float]:
        """Median and p90 milliseconds per poster (each poster's own wall time)."""
        return median_p90_ms(self.seconds) if self.seconds else {}

    @classmethod
    def nothing(cls, tables: Sequence[TableSpec]) -> StageResult:
        """No poster processed: each table's frame empty, with its columns."""
        frames = {table.name: pd.DataFrame(columns=table.column_names) for table in tables}
        return cls(tables=frames, done=[], failures=failure_frame([]))


@functools.cache
def worker_pool(workers: int) -> ThreadPoolExecutor:
    """One pool per size for the process's life, so that what a thread loads for itself (an
    OCR engine, an infer request) is loaded once, not once per stage."""
    initialise_numpy_bridge()  # before any worker makes its first OpenVINO call
    return ThreadPoolExecutor(workers, thread_name_prefix="poster-worker")


def _checked(rows: Rows, tables: Mapping[str, TableSpec]) -> Rows:
    for name, table_rows in rows.items():
        if name not in tables:
            raise StageOutputError(f"rows for table {name!r}, which the stage does not declare")
        expected = tables[name].row_columns
        for row in table_rows:
            if row.keys() != expected:
                raise StageOutputError(
                    f"table {name}: expected columns {sorted(expected)}, got {sorted(row)}"
                )
    return rows


def _timed(
    process: Callable[[PosterRef], Rows], poster: PosterRef
) -> tuple[Rows | Exception, float]:
    start = time.perf_counter()
    try:
        produced: Rows | Exception = process(poster)
    except Exception as error:  # noqa: BLE001 - recorded per poster, the batch goes on
        produced = error
    return produced, time.perf_counter() - start


def _upstream_of(frames: Mapping[str, pd.DataFrame]) -> Callable[[str], dict[str, pd.DataFrame]]:
    grouped = {
        table: {key: group for key, group in frame.groupby("poster_id")}
        for table, frame in frames.items()
    }

    def upstream(poster_id: str) -> dict[str, pd.DataFrame]:
        return {
            table: groups.get(poster_id, frames[table].iloc[:0])
            for table, groups in grouped.items()
        }

    return upstream


def run_stage(
    posters: Sequence[PosterRef],
    *,
    batch_id: str,
    stage: str,
    tables: Sequence[TableSpec],
    process: ProcessPoster,
    upstream: Mapping[str, pd.DataFrame] | None = None,
    show_progress: bool = True,
    workers: int = 1,
    decode_scope: str | None = None,
    copies: PosterCopies,
) -> StageResult:
    """Apply `process` to each poster, `workers` posters at once in threads (models release
    the GIL while they run). `upstream` holds the batch's rows of the tables the stage reads;
    each poster gets its own. Rows come out in the posters' order whatever the workers; a
    poster whose processing raises gets a failure row and the rest of the batch goes on.
    Stages called with one `decode_scope` (a run's id) share each poster's decode; without
    one, this call decodes each poster anew. Pixels come from the posters' `copies`."""
    declared = {table.name: table for table in tables}
    scope = decode_scope or uuid.uuid4().hex
    poster_upstream = _upstream_of(upstream or {})

    def one(poster: PosterRef) -> Rows:
        given = PosterInput(scope, *poster, copies, upstream=poster_upstream(poster.poster_id))
        return _checked(process(given), declared)

    rows: dict[str, list[dict]] = {name: [] for name in declared}
    done: list[str] = []
    failures: list[FailureRow] = []
    seconds: list[float] = []
    outcomes = (
        worker_pool(workers).map(functools.partial(_timed, one), posters)
        if workers > 1
        else (_timed(one, poster) for poster in posters)
    )
    progress = tqdm(
        outcomes, total=len(posters), desc=f"{stage} {batch_id}", disable=not show_progress
    )
    for poster, (produced, took) in zip(posters, progress, strict=True):
        seconds.append(took)
        if isinstance(produced, Exception):
            failures.append(
                FailureRow.from_error(batch_id, stage, poster.path, poster.poster_id, produced)
            )
            continue
        ids = {"poster_id": poster.poster_id, "batch_id": batch_id}
        for name, table_rows in produced.items():
            rows[name] += [{**ids, **row} for row in table_rows]
        done.append(poster.poster_id)
    return StageResult(
        tables={
            name: pd.DataFrame(rows[name], columns=table.column_names)
            for name, table in declared.items()
        },
        done=done,
        failures=failure_frame(failures),
        seconds=seconds,
    )
