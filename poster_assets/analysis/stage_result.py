"""What an analysis stage hands to the store: rows per table, posters done, failure rows."""

from __future__ import annotations

import functools
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import pandas as pd
from tqdm import tqdm

from poster_assets.errors import FailureKind, PosterInputError

FAILURE_COLUMNS = ["batch_id", "stage", "path", "sha256", "kind", "message", "failed_at"]


def failure_row(batch_id: str, stage: str, path: str, poster_id: str, error: Exception) -> dict:
    """A specific kind for input errors; anything else is recorded as unexpected, by type."""
    if isinstance(error, PosterInputError):
        kind, message = error.kind.value, error.message
    else:
        kind, message = FailureKind.UNEXPECTED.value, f"{type(error).__name__}: {error}"
    return {
        "batch_id": batch_id,
        "stage": stage,
        "path": path,
        "sha256": poster_id,
        "kind": kind,
        "message": message,
        "failed_at": datetime.now(UTC),
    }


def failure_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


@dataclass
class StageResult:
    tables: dict[str, pd.DataFrame]
    done: list[str]
    failures: pd.DataFrame
    seconds: list[float] = field(default_factory=list)  # per poster processed, failed ones too

    def timing(self) -> dict[str, float]:
        """Median and p90 milliseconds per poster (each poster's own wall time)."""
        return median_p90_ms(self.seconds) if self.seconds else {}


def median_p90_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median and nearest-rank p90 of durations in seconds, in milliseconds."""
    ordered = sorted(seconds)
    return {
        "median_ms": round(1000 * statistics.median(ordered), 1),
        "p90_ms": round(1000 * ordered[math.ceil(0.9 * len(ordered)) - 1], 1),
    }


class PosterFile(Protocol):
    poster_id: str
    path: str


P = TypeVar("P", bound=PosterFile)


@functools.cache
def worker_pool(workers: int) -> ThreadPoolExecutor:
    """One pool per size for the process's life, so that what a thread loads for itself (an
    OCR engine, an infer request) is loaded once, not once per stage."""
    return ThreadPoolExecutor(workers, thread_name_prefix="poster-worker")


def _timed(
    process: Callable[[P], Mapping[str, list[dict]]], poster: P
) -> tuple[Mapping[str, list[dict]] | Exception, float]:
    start = time.perf_counter()
    try:
        produced: Mapping[str, list[dict]] | Exception = process(poster)
    except Exception as error:  # noqa: BLE001 - recorded per poster, the batch goes on
        produced = error
    return produced, time.perf_counter() - start


def run_per_poster(
    posters: Sequence[P],
    *,
    batch_id: str,
    stage: str,
    columns: Mapping[str, list[str]],
    process: Callable[[P], Mapping[str, list[dict]]],
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    """Apply `process` to each poster, `workers` posters at once in threads (models release
    the GIL while they run); it returns rows per table (without `poster_id` and `batch_id`,
    added here). Rows come out in the posters' order whatever the workers. A poster whose
    processing raises gets a failure row and the rest of the batch goes on."""
    rows: dict[str, list[dict]] = {table: [] for table in columns}
    done: list[str] = []
    failures: list[dict] = []
    seconds: list[float] = []
    outcomes = (
        worker_pool(workers).map(functools.partial(_timed, process), posters)
        if workers > 1
        else (_timed(process, poster) for poster in posters)
    )
    progress = tqdm(
        outcomes, total=len(posters), desc=f"{stage} {batch_id}", disable=not show_progress
    )
    for poster, (produced, took) in zip(posters, progress, strict=True):
        seconds.append(took)
        if isinstance(produced, Exception):
            failures.append(failure_row(batch_id, stage, poster.path, poster.poster_id, produced))
            continue
        ids = {"poster_id": poster.poster_id, "batch_id": batch_id}
        for table, table_rows in produced.items():
            rows[table] += [{**ids, **row} for row in table_rows]
        done.append(poster.poster_id)
    return StageResult(
        tables={table: pd.DataFrame(rows[table], columns=columns[table]) for table in columns},
        done=done,
        failures=failure_frame(failures),
        seconds=seconds,
    )
