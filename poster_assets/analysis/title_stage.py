"""The title stage: pick the title from a poster's stored OCR lines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from poster_assets.vision.text_lines import TextLine
from poster_assets.vision.title_scorer import TitleScorer
from poster_assets.vision.title_selection import choose_title

TITLE_STAGE = "titles"
TITLE_COLUMNS = [
    "poster_id", "batch_id", "title_text", "confidence", "x0", "y0", "x1", "y1",
    "placement_v", "placement_h", "line_indices", "reason",
]  # fmt: skip


def lines_from_rows(rows: pd.DataFrame) -> list[TextLine]:
    """Rows of `ocr_lines` for one poster, in line_index order, back to TextLines."""
    return [
        TextLine(row.text, float(row.confidence), np.asarray(row.polygon, float).reshape(4, 2))
        for row in rows.sort_values("line_index").itertuples()
    ]


def title_rows(
    posters: Sequence[tuple[str, int, int]],
    lines: pd.DataFrame,
    batch_id: str,
    scorer: TitleScorer,
) -> pd.DataFrame:
    """One row per (poster_id, width, height): the chosen title or an empty one with a reason."""
    by_poster = dict(tuple(lines.groupby("poster_id"))) if len(lines) else {}
    rows = []
    for poster_id, width, height in posters:
        poster_lines = by_poster.get(poster_id)
        text_lines = lines_from_rows(poster_lines) if poster_lines is not None else []
        choice = choose_title(text_lines, width, height, scorer)
        box = choice.box or (None, None, None, None)
        rows.append(
            {
                "poster_id": poster_id,
                "batch_id": batch_id,
                "title_text": choice.text,
                "confidence": choice.confidence,
                "x0": box[0],
                "y0": box[1],
                "x1": box[2],
                "y1": box[3],
                "placement_v": choice.placement.vertical if choice.placement else None,
                "placement_h": choice.placement.horizontal if choice.placement else None,
                "line_indices": list(choice.line_indices),
                "reason": choice.reason,
            }
        )
    return pd.DataFrame(rows, columns=TITLE_COLUMNS)
