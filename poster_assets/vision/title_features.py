"""Numeric cues per OCR line for the learned title scorer: size, position, isolation, casing,
and the word classes that mark credits, taglines, ratings and dates."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from poster_assets.vision.text_lines import TextLine, normalise_text

CREDIT_WORDS = re.compile(
    r"\b(directed|director|film by|a film|produced|producer|production|productions|starring|"
    r"screenplay|written|music|presents|pictures|studios|entertainment|edited|"
    r"cinematography|casting|executive|associate|co-?star|in theaters|in theatres|in cinemas|"
    r"coming soon|soundtrack|rated|pg-?13|nc-?17|www|\.com|http|dvd|blu-?ray|award|winner|"
    r"festival|official selection|academy|nominee|critics|copyright|all rights|widescreen|"
    r"collection|edition|presentation|home video)\b",
    re.IGNORECASE,
)
DATE_OR_NUMBER = re.compile(
    r"^\W*(\d[\d\s./,:-]*|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d+)\W*$",
    re.IGNORECASE,
)
FEATURE_NAMES = (
    "height_vs_tallest",
    "height_vs_poster",
    "height_rank",
    "width_vs_poster",
    "centre_y",
    "centre_x_offset",
    "words",
    "letters",
    "uppercase_share",
    "credit_words",
    "quote_or_tagline",
    "confidence",
    "isolation",
    "similar_height_lines",
)


def can_be_title(line: TextLine) -> bool:
    """A date, a number or a stray glyph is never a title."""
    text = line.text.strip()
    return not DATE_OR_NUMBER.match(text) and len(normalise_text(text)) >= 2


def line_features(lines: Sequence[TextLine], width: int, height: int) -> np.ndarray:
    """(N, len(FEATURE_NAMES)) float array; row i describes lines[i] among its poster's lines."""
    if not lines:
        return np.zeros((0, len(FEATURE_NAMES)))
    heights = np.array([line.height for line in lines])
    boxes = np.array([line.box for line in lines])
    tallest = heights.max()
    ranks = heights.argsort()[::-1].argsort()
    rows = []
    for index, line in enumerate(lines):
        text = line.text.strip()
        letters = [char for char in text if char.isalpha()]
        x0, y0, x1, y1 = boxes[index]
        others = np.delete(boxes, index, axis=0)
        rows.append(
            [
                heights[index] / tallest,
                heights[index] / height,
                ranks[index] / max(len(lines) - 1, 1),
                (x1 - x0) / width,
                (y0 + y1) / 2 / height,
                abs((x0 + x1) / 2 / width - 0.5),
                min(len(text.split()), 12) / 12,
                min(len(normalise_text(text)), 40) / 40,
                sum(char.isupper() for char in letters) / max(len(letters), 1),
                float(bool(CREDIT_WORDS.search(text))),
                float(text[:1] in "\"'“”" or text.endswith((".", "!", "?", '"'))),
                line.confidence,
                _isolation(boxes[index], others, heights[index]),
                float(np.sum(np.abs(heights - heights[index]) < 0.15 * heights[index]) - 1)
                / max(len(lines) - 1, 1),
            ]
        )
    return np.array(rows, dtype=float)


def _isolation(box: np.ndarray, others: np.ndarray, glyph_height: float) -> float:
    """Vertical distance to the nearest other line, in glyph heights (capped at 5)."""
    if len(others) == 0:
        return 5.0
    gaps = np.maximum(others[:, 1] - box[3], box[1] - others[:, 3])
    return float(min(max(gaps.min(), 0.0) / max(glyph_height, 1.0), 5.0))
