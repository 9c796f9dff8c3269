from __future__ import annotations

import numpy as np

from poster_assets.vision.text_lines import TextLine
from poster_assets.vision.title_selection import choose_title, collapse_letter_spacing

W, H = 300, 450


def _line(
    text: str, x0: float, y0: float, x1: float, y1: float, confidence: float = 0.95
) -> TextLine:
    return TextLine(text, confidence, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float))


def test_largest_non_credit_line_wins_over_credits() -> None:
    lines = [
        _line("DIRECTED BY JANE DOE", 60, 400, 240, 412),
        _line("MIDNIGHT", 40, 40, 260, 90),
        _line("IN CINEMAS 16 MAY", 80, 420, 220, 432),
    ]
    choice = choose_title(lines, W, H)
    assert choice.text == "MIDNIGHT"
    assert choice.line_indices == (1,)
    assert (choice.placement.vertical, choice.placement.horizontal) == ("top", "centre")
    assert choice.box == (40, 40, 260, 90)


def test_stacked_lines_of_similar_height_merge_in_reading_order() -> None:
    lines = [
        _line("SAINTS", 60, 100, 240, 140),
        _line("THE BOONDOCK", 30, 55, 270, 95),
        _line("starring someone famous", 60, 300, 240, 310),
    ]
    choice = choose_title(lines, W, H)
    assert choice.text == "THE BOONDOCK SAINTS"
    assert choice.box == (30, 55, 270, 140)


def test_a_big_credit_line_is_not_merged_into_the_title() -> None:
    lines = [_line("ALIEN", 60, 100, 240, 140), _line("A FILM BY RIDLEY", 60, 142, 240, 180)]
    assert choose_title(lines, W, H).text == "ALIEN"


def test_no_lines_or_only_numbers_give_an_empty_title_with_a_reason() -> None:
    empty = choose_title([], W, H)
    assert (empty.text, empty.reason, empty.box) == ("", "no text found", None)
    numbers = choose_title([_line("2026", 10, 10, 100, 60)], W, H)
    assert numbers.text == "" and numbers.reason == "no line looks like a title"


def test_letter_spaced_words_are_collapsed() -> None:
    assert collapse_letter_spacing("S T A R  W A R S") == "STAR WARS"
    assert collapse_letter_spacing("A P P R O A C H") == "APPROACH"
    assert collapse_letter_spacing("THE LAST OF US") == "THE LAST OF US"
    assert collapse_letter_spacing("I AM A MAN") == "I AM A MAN"
