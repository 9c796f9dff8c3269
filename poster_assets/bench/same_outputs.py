"""Do two homes hold the same analysis rows? The bench's check that a faster path computes
what the baseline computes (batch ids and times aside), and, for tables of masks, how much the
masks overlap where they differ."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from poster_assets.stages.registry import stage_tables
from poster_assets.store.database import PosterDatabase
from poster_assets.store.whole_tables import read_table
from poster_assets.vision.masks import decode_mask_png

# Each stage table and the columns that order its rows.
COMPARED_TABLES = {table.name: list(table.key) for table in stage_tables()}
IGNORED_COLUMNS = {"batch_id"}


@dataclass(frozen=True)
class TableComparison:
    table: str
    rows: tuple[int, int]
    identical: bool
    max_abs_difference: float  # over numeric cells and vectors; 0.0 when identical
    differing_cells: int
    mask_iou: dict[str, float] | None = None  # mean and min over rows, for tables of masks

    def as_dict(self) -> dict[str, object]:
        compared = {
            "rows": list(self.rows),
            "identical": self.identical,
            "max_abs_difference": self.max_abs_difference,
            "differing_cells": self.differing_cells,
        }
        return compared | ({"mask_iou": self.mask_iou} if self.mask_iou is not None else {})


def mask_iou(left: np.ndarray, right: np.ndarray) -> float:
    """Intersection over union of two boolean masks; 1.0 when both are empty, 0.0 when
    their sizes differ."""
    if left.shape != right.shape:
        return 0.0
    union = np.logical_or(left, right).sum()
    return 1.0 if union == 0 else float(np.logical_and(left, right).sum() / union)


def _mask_ious(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float] | None:
    if "mask_png" not in a.columns or a.empty:
        return None
    ious = [
        mask_iou(decode_mask_png(x), decode_mask_png(y))
        for x, y in zip(a["mask_png"], b["mask_png"], strict=True)
    ]
    return {"mean": round(float(np.mean(ious)), 4), "min": round(float(np.min(ious)), 4)}


def _rows(db: PosterDatabase, table: str, order: list[str]) -> pd.DataFrame:
    frame = read_table(db, table, order)
    return frame.drop(columns=[c for c in frame.columns if c in IGNORED_COLUMNS])


def _cell_difference(left: object, right: object) -> float | None:
    """None when equal; otherwise how far apart (inf where not numeric)."""
    if isinstance(left, bytes | bytearray) or isinstance(right, bytes | bytearray):
        return None if left == right else float("inf")
    if isinstance(left, list | np.ndarray) or isinstance(right, list | np.ndarray):
        a, b = np.asarray(left), np.asarray(right)
        if a.shape != b.shape:
            return float("inf")
        if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
            gap = float(np.max(np.abs(a.astype(float) - b.astype(float)))) if a.size else 0.0
            return None if gap == 0.0 else gap
        return None if np.array_equal(a, b) else float("inf")
    if pd.isna(left) and pd.isna(right):  # type: ignore[arg-type]
        return None
    if isinstance(left, int | float | np.number) and isinstance(right, int | float | np.number):
        return None if left == right else abs(float(left) - float(right))
    return None if left == right else float("inf")


def compare_table(table: str, left: PosterDatabase, right: PosterDatabase) -> TableComparison:
    order = COMPARED_TABLES[table]
    a, b = _rows(left, table, order), _rows(right, table, order)
    if len(a) != len(b) or list(a[order].itertuples(index=False)) != list(
        b[order].itertuples(index=False)
    ):
        return TableComparison(table, (len(a), len(b)), False, float("inf"), -1)
    gaps = [
        gap
        for column in a.columns
        for x, y in zip(a[column], b[column], strict=True)
        if (gap := _cell_difference(x, y)) is not None
    ]
    return TableComparison(
        table, (len(a), len(b)), not gaps, max(gaps, default=0.0), len(gaps), _mask_ious(a, b)
    )


def compare_homes(left: PosterDatabase, right: PosterDatabase) -> dict[str, TableComparison]:
    return {table: compare_table(table, left, right) for table in COMPARED_TABLES}
