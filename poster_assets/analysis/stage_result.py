"""What an analysis stage hands to the store: rows per table, posters done, failure rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

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
