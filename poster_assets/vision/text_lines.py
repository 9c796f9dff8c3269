"""OCR lines as typed values, and the text normalisation titles are compared with."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

TITLE_MATCH_RATIO = 0.8
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class TextLine:
    """One OCR line: `polygon` is (4, 2) float pixel corners in the original poster."""

    text: str
    confidence: float
    polygon: np.ndarray

    def __post_init__(self) -> None:
        if self.polygon.shape != (4, 2):
            raise ValueError(f"polygon must have shape (4, 2), got {self.polygon.shape}")

    # Cached: grouping a poster's lines into title candidates compares every pair of lines.
    @functools.cached_property
    def box(self) -> tuple[float, float, float, float]:
        """Axis-aligned (x0, y0, x1, y1)."""
        xs, ys = self.polygon[:, 0], self.polygon[:, 1]
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())

    @functools.cached_property
    def height(self) -> float:
        """Glyph height of the line: the shorter side of its (possibly rotated) polygon."""
        return quadrilateral_height(self.polygon)


def quadrilateral_height(polygon: np.ndarray) -> float:
    """The mean length of a (4, 2) quadrilateral's two shorter opposite sides."""
    sides = np.linalg.norm(np.roll(polygon, -1, axis=0) - polygon, axis=1)
    return float(min(sides[0] + sides[2], sides[1] + sides[3]) / 2)


def normalise_text(text: str) -> str:
    """Lowercase a-z0-9 only: how titles are compared (accents and punctuation dropped)."""
    return _NOT_ALNUM.sub("", text.lower())


def text_similarity(candidate: str, reference: str) -> float:
    """difflib ratio of the normalised strings; 0.0 when either is empty."""
    a, b = normalise_text(candidate), normalise_text(reference)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


def titles_match(candidate: str, reference: str) -> bool:
    return text_similarity(candidate, reference) >= TITLE_MATCH_RATIO


def contains_title(lines: list[str], reference: str) -> bool:
    """Title-in-OCR recall: some line, or the concatenation of all lines (in reading order),
    contains the normalised reference or matches it with ratio >= 0.8."""
    target = normalise_text(reference)
    if not target:
        return False
    candidates = [normalise_text(line) for line in lines]
    candidates.append("".join(candidates))
    return any(
        target in candidate or SequenceMatcher(None, candidate, target).ratio() >= TITLE_MATCH_RATIO
        for candidate in candidates
        if candidate
    )
