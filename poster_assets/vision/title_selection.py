"""Which OCR lines form the title: cues a designer would recognise.

A title is the largest lettering on the poster, set apart from the credit block, rarely a
sentence, rarely words like "directed by" or a date. Lines stacked directly above one another at
a similar glyph height are one title split over lines, and are merged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from poster_assets.vision.placement import Placement, placement_of_box
from poster_assets.vision.text_lines import TextLine, normalise_text

_CREDIT_WORDS = re.compile(
    r"\b(directed|director|film by|a film|produced|producer|production|productions|starring|"
    r"screenplay|written|music|presents|present|pictures|studios|entertainment|edited|"
    r"cinematography|casting|executive|associate|co-?star|in theaters|in cinemas|coming soon|"
    r"soundtrack|rated|pg-?13|nc-?17|www|\.com|http|dvd|blu-?ray|award|winner|festival|"
    r"official selection|academy|nominee|critics|review|copyright|all rights)\b",
    re.IGNORECASE,
)
_DATE_OR_NUMBER = re.compile(
    r"^\W*(\d[\d\s./,:-]*|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d+)\W*$", re.I
)
STACK_MIN_HEIGHT_RATIO = 0.7
STACK_MAX_GAP = 1.0
_SPACED_LETTERS = re.compile(r"\b(?:\w ){2,}\w\b")


@dataclass(frozen=True)
class TitleChoice:
    """The chosen title, or an empty text with the reason none was chosen."""

    text: str
    confidence: float
    box: tuple[float, float, float, float] | None
    placement: Placement | None
    line_indices: tuple[int, ...]
    reason: str


def collapse_letter_spacing(text: str) -> str:
    """ "S T A R  W A R S" -> "STAR WARS": letter-spaced display type read letter by letter."""

    def join(match: re.Match[str]) -> str:
        return match.group(0).replace(" ", "")

    words = re.split(r"\s{2,}", text.strip())
    return " ".join(_SPACED_LETTERS.sub(join, word) for word in words)


def title_scores(lines: Sequence[TextLine], width: int, height: int) -> np.ndarray:
    """One score per line; higher is more title-like, -inf for lines that cannot be titles."""
    if not lines:
        return np.zeros(0)
    tallest = max(line.height for line in lines)
    return np.array([_title_score(line, tallest, width, height) for line in lines])


def _title_score(line: TextLine, tallest: float, width: int, height: int) -> float:
    text = line.text.strip()
    if _DATE_OR_NUMBER.match(text) or len(normalise_text(text)) < 2:
        return -np.inf  # a date, a number or a stray glyph is never a title
    x0, _, x1, _ = line.box
    score = 3.0 * line.height / tallest + 0.5 * min(1.0, (x1 - x0) / width)
    if _CREDIT_WORDS.search(text):
        score -= 2.0
    if len(text.split()) > 7:
        score -= 1.0  # a sentence: tagline or quote
    if line.height < 0.02 * height:
        score -= 1.0  # fine print
    return score + 0.5 * (line.confidence - 0.5)


def choose_title(
    lines: Sequence[TextLine], width: int, height: int, min_score: float = 1.0
) -> TitleChoice:
    if not lines:
        return TitleChoice("", 0.0, None, None, (), "no text found")
    scores = title_scores(lines, width, height)
    best = int(np.argmax(scores))
    if scores[best] < min_score:
        return TitleChoice("", 0.0, None, None, (), "no line looks like a title")
    chosen = _stacked_neighbours(lines, best)
    members = [lines[index] for index in chosen]
    x0 = min(line.box[0] for line in members)
    y0 = min(line.box[1] for line in members)
    x1 = max(line.box[2] for line in members)
    y1 = max(line.box[3] for line in members)
    box = (max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1))
    text = " ".join(collapse_letter_spacing(line.text) for line in members)
    confidence = float(np.mean([line.confidence for line in members]))
    return TitleChoice(
        text, confidence, box, placement_of_box(box, width, height), tuple(chosen), "chosen"
    )


def _stacked_neighbours(lines: Sequence[TextLine], seed: int) -> list[int]:
    """Grow the title from `seed` through lines directly above/below at a similar height."""
    chosen = {seed}
    grew = True
    while grew:
        grew = False
        for index, line in enumerate(lines):
            if index in chosen:
                continue
            if any(_stacked(lines[member], line) for member in chosen) and not _CREDIT_WORDS.search(
                line.text
            ):
                chosen.add(index)
                grew = True
    return sorted(chosen, key=lambda index: (lines[index].box[1], lines[index].box[0]))


def _stacked(a: TextLine, b: TextLine) -> bool:
    ax0, ay0, ax1, ay1 = a.box
    bx0, by0, bx1, by1 = b.box
    similar = STACK_MIN_HEIGHT_RATIO <= b.height / max(a.height, 1e-6) <= 1 / STACK_MIN_HEIGHT_RATIO
    gap = max(by0 - ay1, ay0 - by1)
    close = gap <= STACK_MAX_GAP * min(a.height, b.height)
    overlap = min(ax1, bx1) - max(ax0, bx0)
    aligned = overlap >= 0.3 * min(ax1 - ax0, bx1 - bx0)
    return similar and close and aligned
