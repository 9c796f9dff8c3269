"""Which OCR lines form the title.

The line the learned scorer rates most title-like seeds the title; stacked lines next to it
(see `text_blocks`) that the scorer also rates plausible join it, so a title split over lines
is read whole while an adjacent tagline or credit line is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from poster_assets.vision.placement import Placement, placement_of_box
from poster_assets.vision.text_blocks import are_stacked, join_lines, reading_order
from poster_assets.vision.text_lines import TextLine
from poster_assets.vision.title_features import can_be_title, line_features
from poster_assets.vision.title_scorer import LinearTitleScorer

MIN_SEED_PROBABILITY = 0.05
MIN_JOIN_PROBABILITY = 0.2
_SPACED_LETTERS = re.compile(r"\b(?:\w ){2,}\w\b")


@dataclass(frozen=True)
class TitleChoice:
    """The chosen title, or an empty text with the reason none was chosen. `confidence` is
    the scorer's probability for the seed line times the lines' mean OCR confidence."""

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
    lines: Sequence[TextLine], width: int, height: int, scorer: LinearTitleScorer
) -> TitleChoice:
    eligible = [index for index, line in enumerate(lines) if can_be_title(line)]
    if not eligible:
        reason = "no text found" if not lines else "no line can be a title (numbers, dates)"
        return TitleChoice("", 0.0, None, None, (), reason)
    probability = dict(
        zip(
            eligible,
            scorer.probabilities(line_features([lines[i] for i in eligible], width, height)),
            strict=True,
        )
    )
    seed = max(eligible, key=probability.__getitem__)
    if probability[seed] < MIN_SEED_PROBABILITY:
        return TitleChoice(
            "", 0.0, None, None, (), f"no line looks like a title (best p={probability[seed]:.2f})"
        )
    chosen = {seed}
    grew = True
    while grew:
        grew = False
        for index in eligible:
            joins = index not in chosen and probability[index] >= MIN_JOIN_PROBABILITY
            if joins and any(are_stacked(lines[member], lines[index]) for member in chosen):
                chosen.add(index)
                grew = True
    block = join_lines(lines, reading_order(lines, chosen))
    x0, y0, x1, y1 = block.box
    box = (max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1))
    members = [lines[index] for index in block.line_indices]
    ocr_confidence = sum(line.confidence for line in members) / len(members)
    return TitleChoice(
        text=" ".join(collapse_letter_spacing(line.text) for line in members),
        confidence=float(probability[seed] * ocr_confidence),
        box=box,
        placement=placement_of_box(box, width, height),
        line_indices=block.line_indices,
        reason="chosen",
    )
