"""What an analysis stage hands to the store: rows per table, posters done, failure rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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


class PosterFile(Protocol):
    poster_id: str
    path: str


P = TypeVar("P", bound=PosterFile)


def run_per_poster(
    posters: Sequence[P],
    *,
    batch_id: str,
    stage: str,
    columns: Mapping[str, list[str]],
    process: Callable[[P], Mapping[str, list[dict]]],
    show_progress: bool = True,
) -> StageResult:
    """Apply `process` to each poster; it returns rows per table (without `poster_id` and
    `batch_id`, added here). A poster whose processing raises gets a failure row and the rest
    of the batch goes on."""
    rows: dict[str, list[dict]] = {table: [] for table in columns}
    done: list[str] = []
    failures: list[dict] = []
    for poster in tqdm(posters, desc=f"{stage} {batch_id}", disable=not show_progress):
        try:
            produced = process(poster)
        except Exception as error:  # noqa: BLE001 - recorded per poster, the batch goes on
            failures.append(failure_row(batch_id, stage, poster.path, poster.poster_id, error))
            continue
        ids = {"poster_id": poster.poster_id, "batch_id": batch_id}
        for table, table_rows in produced.items():
            rows[table] += [{**ids, **row} for row in table_rows]
        done.append(poster.poster_id)
    return StageResult(
        tables={table: pd.DataFrame(rows[table], columns=columns[table]) for table in columns},
        done=done,
        failures=failure_frame(failures),
    )
