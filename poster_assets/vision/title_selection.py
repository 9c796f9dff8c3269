"""Which OCR lines form the title: the candidate (a run of stacked lines, see
`title_features`) that the learned scorer rates most likely to be the whole title, with a
small leading article set over it (`title_article`), or, where the poster's metadata knows
its title, the candidate that reads most like it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from poster_assets.vision.placement import Placement, placement_of_box
from poster_assets.vision.text_blocks import join_lines
from poster_assets.vision.text_lines import TITLE_MATCH_RATIO, TextLine, text_similarity
from poster_assets.vision.title_article import leading_article
from poster_assets.vision.title_features import candidate_features, title_candidates
from poster_assets.vision.title_scorer import TitleScorer

MIN_TITLE_PROBABILITY = 0.02
_SPACED_LETTERS = re.compile(r"\b(?:\w ){2,}\w\b")


@dataclass(frozen=True)
class TitleChoice:
    """The chosen title, or an empty text with the reason none was chosen. `confidence` is
    the scorer's probability that the candidate is the title times its mean OCR confidence."""

    text: str
    confidence: float
    box: tuple[float, float, float, float] | None
    placement: Placement | None
    line_indices: tuple[int, ...]
    reason: str


def collapse_letter_spacing(text: str) -> str:
    """ "S T A R  W A R S" -> "STAR WARS": letter-spaced display type read letter by letter."""
    words = re.split(r"\s{2,}", text.strip())
    return " ".join(
        _SPACED_LETTERS.sub(lambda match: match.group(0).replace(" ", ""), word) for word in words
    )


def choose_title(
    lines: Sequence[TextLine], width: int, height: int, scorer: TitleScorer
) -> TitleChoice:
    candidates = title_candidates(lines)
    if not candidates:
        reason = "no text found" if not lines else "no line can be a title (numbers, dates)"
        return TitleChoice("", 0.0, None, None, (), reason)
    word_scores = scorer.words.scores([line.text for line in lines])
    features = candidate_features(lines, candidates, width, height, word_scores)
    probabilities = scorer.probabilities(features)
    best = int(np.argmax(probabilities))
    if probabilities[best] < MIN_TITLE_PROBABILITY:
        return TitleChoice(
            "",
            0.0,
            None,
            None,
            (),
            f"no line looks like a title (best p={probabilities[best]:.2f})",
        )
    indices = _with_article(lines, candidates[best].indices)
    return _choice(lines, indices, width, height, probabilities[best], "chosen")


def locate_title(
    lines: Sequence[TextLine], width: int, height: int, reference: str
) -> TitleChoice | None:
    """The candidate whose text best matches `reference` (a title known from metadata), with
    or without a small leading article over it, if it matches at all (`titles_match`); its
    confidence is that similarity times the OCR's."""
    candidates = title_candidates(lines)
    if not candidates or not reference.strip():
        return None
    runs = list(
        dict.fromkeys(
            run
            for candidate in candidates
            for run in (candidate.indices, _with_article(lines, candidate.indices))
        )
    )
    similarities = [text_similarity(_joined(lines, run), reference) for run in runs]
    best = int(np.argmax(similarities))
    if similarities[best] < TITLE_MATCH_RATIO:
        return None
    reason = "located from metadata"
    return _choice(lines, runs[best], width, height, similarities[best], reason)


def _with_article(lines: Sequence[TextLine], indices: tuple[int, ...]) -> tuple[int, ...]:
    """The run of lines with its small leading "THE" in front, if it has one."""
    article = leading_article(lines, indices)
    return indices if article is None else (article, *indices)


def _joined(lines: Sequence[TextLine], indices: Sequence[int]) -> str:
    return " ".join(collapse_letter_spacing(lines[index].text) for index in indices)


def _choice(
    lines: Sequence[TextLine],
    indices: Sequence[int],
    width: int,
    height: int,
    belief: float,
    reason: str,
) -> TitleChoice:
    """The title made of these lines; `belief` (the scorer's probability, or the match with
    a known title) times their mean OCR confidence is its confidence."""
    block = join_lines(lines, indices)
    x0, y0, x1, y1 = block.box
    box = (max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1))
    members = [lines[index] for index in block.line_indices]
    ocr_confidence = sum(line.confidence for line in members) / len(members)
    return TitleChoice(
        text=_joined(lines, block.line_indices),
        confidence=float(belief * ocr_confidence),
        box=box,
        placement=placement_of_box(box, width, height),
        line_indices=block.line_indices,
        reason=reason,
    )
