"""Title candidates and the cues that describe them, for the learned title scorer.

A candidate is a run of consecutive lines (row by row) inside one group of stacked lines and
pieces side by side: a one-line title, a title split over lines or cut into pieces, or a title
with an actor's name or a subtitle above or below it, which the scorer learns to leave out or
keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from poster_assets.vision.text_blocks import group_stacked_lines, group_title_lines
from poster_assets.vision.text_lines import TextLine, normalise_text

MAX_CANDIDATE_LINES = 4
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
    "mean_height_vs_tallest",
    "height_spread",
    "first_line_height",
    "last_line_height",
    "height_rank",
    "lines",
    "whole_block",
    "height_vs_poster",
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
    "title_words_mean",
    "title_words_min",
    "title_words_max",
)


def can_be_title(line: TextLine) -> bool:
    """A date, a number or a stray glyph is never (part of) a title."""
    text = line.text.strip()
    return not DATE_OR_NUMBER.match(text) and len(normalise_text(text)) >= 2


@dataclass(frozen=True)
class Candidate:
    """`indices` into the poster's lines, top to bottom; `block_size`: lines in its block."""

    indices: tuple[int, ...]
    block_size: int


def title_candidates(lines: Sequence[TextLine]) -> list[Candidate]:
    """Runs of up to MAX_CANDIDATE_LINES consecutive lines (row order) within each group of
    stacked or side-by-side lines, built from the lines that can be titles."""
    eligible = [index for index, line in enumerate(lines) if can_be_title(line)]
    candidates = []
    for group in group_title_lines([lines[index] for index in eligible]):
        members = [eligible[position] for position in group]
        for start in range(len(members)):
            for end in range(start + 1, min(start + MAX_CANDIDATE_LINES, len(members)) + 1):
                candidates.append(Candidate(tuple(members[start:end]), len(members)))
    return candidates


def candidate_text(lines: Sequence[TextLine], candidate: Candidate) -> str:
    return " ".join(lines[index].text for index in candidate.indices)


def searchable_texts(lines: Sequence[TextLine]) -> list[str]:
    """Where a known title is looked for (`text_lines.contains_title`), and so what
    title-in-OCR recall counts: every line, every block of stacked lines merged, and every
    title candidate, the texts a title is chosen from, so that a title chosen right is always
    a title found (pieces side by side, "GORKY" | "PALK", were not)."""
    merged = [block.text for block in group_stacked_lines(lines) if len(block.line_indices) > 1]
    joined = [
        candidate_text(lines, candidate)
        for candidate in title_candidates(lines)
        if len(candidate.indices) > 1
    ]
    return [line.text for line in lines] + merged + joined


def candidate_features(
    lines: Sequence[TextLine],
    candidates: Sequence[Candidate],
    width: int,
    height: int,
    word_scores: np.ndarray,
) -> np.ndarray:
    """(len(candidates), len(FEATURE_NAMES)) floats describing each candidate on its poster.
    `word_scores`: per line, how much its words read like a title's (`title_words`)."""
    if not candidates:
        return np.zeros((0, len(FEATURE_NAMES)))
    heights = np.array([line.height for line in lines])
    boxes = np.array([line.box for line in lines])
    # The poster's scale of type comes from lines that can be titles: a stray glyph read in a
    # graphic (a tall "M" at the edge) made the real title look small and lose.
    scale = np.where([can_be_title(line) for line in lines], heights, 0.0)
    ranks = scale.argsort()[::-1].argsort() / max(int(np.count_nonzero(scale)) - 1, 1)
    return np.array(
        [
            _features(lines, candidate, heights, scale.max(), boxes, ranks, width, height)
            + _word_features(word_scores[list(candidate.indices)])
            for candidate in candidates
        ],
        dtype=float,
    )


def _features(
    lines: Sequence[TextLine],
    candidate: Candidate,
    heights: np.ndarray,
    tallest: float,
    boxes: np.ndarray,
    ranks: np.ndarray,
    width: int,
    height: int,
) -> list[float]:
    members = list(candidate.indices)
    own = heights[members]
    top = own.max()
    text = candidate_text(lines, candidate)
    letters = [char for char in text if char.isalpha()]
    x0, y0 = boxes[members, 0].min(), boxes[members, 1].min()
    x1, y1 = boxes[members, 2].max(), boxes[members, 3].max()
    others = np.delete(boxes, members, axis=0)
    return [
        top / tallest,
        own.mean() / tallest,
        own.min() / top,
        own[0] / top,
        own[-1] / top,
        ranks[members].min(),
        len(members) / MAX_CANDIDATE_LINES,
        float(len(members) == candidate.block_size),
        top / height,
        (x1 - x0) / width,
        (y0 + y1) / 2 / height,
        abs((x0 + x1) / 2 / width - 0.5),
        min(len(text.split()), 12) / 12,
        min(len(normalise_text(text)), 40) / 40,
        sum(char.isupper() for char in letters) / max(len(letters), 1),
        float(bool(CREDIT_WORDS.search(text))),
        float(text[:1] in "\"'“”" or text.endswith((".", "!", "?", '"'))),
        float(np.mean([lines[index].confidence for index in members])),
        _isolation((y0, y1), others, top),
        float(np.sum(np.abs(heights - top) < 0.15 * top) - len(members)) / max(len(lines), 1),
    ]


def _word_features(scores: np.ndarray) -> list[float]:
    return [float(scores.mean()), float(scores.min()), float(scores.max())]


def _isolation(span: tuple[float, float], others: np.ndarray, glyph_height: float) -> float:
    """Vertical distance to the nearest line outside the candidate, in glyph heights (<= 5)."""
    if len(others) == 0:
        return 5.0
    gaps = np.maximum(others[:, 1] - span[1], span[0] - others[:, 3])
    return float(min(max(gaps.min(), 0.0) / max(glyph_height, 1.0), 5.0))
