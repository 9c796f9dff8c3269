from __future__ import annotations

import pytest

from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.vision.text_lines import contains_title, titles_match
from poster_assets.vision.title_features import searchable_texts
from poster_assets.vision.title_selection import choose_title, collapse_letter_spacing, locate_title
from poster_assets_tests.text_line_factory import rect_line

W, H = 300, 450


@pytest.fixture(scope="module")
def scorer():  # noqa: ANN201 - the packaged LinearTitleScorer
    return load_title_scorer()


def test_large_line_wins_over_credits(scorer) -> None:  # noqa: ANN001
    lines = [
        rect_line("DIRECTED BY JANE DOE", 60, 400, 240, 412),
        rect_line("MIDNIGHT", 40, 40, 260, 90),
        rect_line("IN CINEMAS 16 MAY", 80, 420, 220, 432),
    ]
    choice = choose_title(lines, W, H, scorer)
    assert choice.text == "MIDNIGHT"
    assert choice.line_indices == (1,)
    assert (choice.placement.vertical, choice.placement.horizontal) == ("top", "centre")
    assert choice.box == (40, 40, 260, 90)
    assert 0 < choice.confidence <= 1


def test_a_stray_glyph_read_in_a_graphic_does_not_shrink_the_title(scorer) -> None:  # noqa: ANN001
    """A generated poster's lines as OCR read them: its whole graphic read as one tall "M"
    made "STORM MOON" look small, and no title was chosen."""
    lines = [
        rect_line("STORM MOON", 32, 31, 291, 63, 0.99),
        rect_line("M", 3, 135, 289, 385, 0.50),
        rect_line("一", 102, 208, 114, 212, 0.88),
        rect_line("DIRECTED BY J. OKAFOR", 90, 402, 209, 416, 0.99),
        rect_line("STARRING A. RIVERA L. MOREAU", 68, 417, 231, 430, 0.99),
        rect_line("IN CINEMAS 5 MAY", 104, 431, 194, 443, 0.99),
    ]
    assert choose_title(lines, W, H, scorer).text == "STORM MOON"


@pytest.mark.parametrize(
    "lines, text, indices, box",
    [
        (
            [
                rect_line("SAINTS", 60, 100, 240, 140),
                rect_line("THE BOONDOCK", 30, 55, 270, 95),
                rect_line("starring someone famous and friends", 60, 300, 240, 310),
            ],
            "THE BOONDOCK SAINTS",
            (1, 0),
            (30, 55, 270, 140),
        ),
        (  # The Town's lines: "THE" set small inside the top-left of "TOWN" (since r5)
            [
                rect_line("WELCOME TO THE", 98, 17, 203, 37),
                rect_line("TOWN", 41, 259, 267, 318),
                rect_line("THE", 42, 265, 70, 277),
                rect_line("SEPTEMBER 17", 119, 414, 191, 425),
            ],
            "THE TOWN",
            (2, 1),
            (41, 259, 267, 318),
        ),
    ],
    ids=["stacked lines", "a small article over the title"],
)
def test_the_titles_lines_join_in_reading_order(scorer, lines, text, indices, box) -> None:  # noqa: ANN001
    choice = choose_title(lines, W, H, scorer)
    assert (choice.text, choice.line_indices, choice.box) == (text, indices, box)


def test_box_is_clipped_to_the_poster(scorer) -> None:  # noqa: ANN001
    choice = choose_title([rect_line("ALIEN", -5, -3, 320, 60)], W, H, scorer)
    assert choice.box == (0, 0, W, 60)


def test_no_lines_or_only_numbers_give_an_empty_title_with_a_reason(scorer) -> None:  # noqa: ANN001
    empty = choose_title([], W, H, scorer)
    assert (empty.text, empty.reason, empty.box, empty.placement) == (
        "",
        "no text found",
        None,
        None,
    )
    numbers = choose_title(
        [rect_line("2026", 10, 10, 100, 60), rect_line("12.05", 10, 70, 90, 90)], W, H, scorer
    )
    assert numbers.text == "" and "numbers, dates" in numbers.reason


def test_letter_spaced_words_are_collapsed() -> None:
    assert collapse_letter_spacing("S T A R  W A R S") == "STAR WARS"
    assert collapse_letter_spacing("A P P R O A C H") == "APPROACH"
    assert collapse_letter_spacing("THE LAST OF US") == "THE LAST OF US"
    assert collapse_letter_spacing("I AM A MAN") == "I AM A MAN"


def test_a_title_known_from_metadata_is_located_even_where_the_scorer_picks_a_name(
    scorer,  # noqa: ANN001
) -> None:
    lines = [
        rect_line("SEAN CONNERY", 40, 30, 260, 80, 0.95),  # the star's name, larger
        rect_line("NEVER SAY", 90, 330, 210, 350, 0.9),
        rect_line("NEVER AGAIN", 80, 352, 220, 372, 0.8),
        rect_line("IN CINEMAS 16 MAY", 80, 420, 220, 432),
    ]
    assert choose_title(lines, W, H, scorer).text == "SEAN CONNERY"
    located = locate_title(lines, W, H, "Never Say Never Again")
    assert located is not None and located.text == "NEVER SAY NEVER AGAIN"
    assert located.line_indices == (1, 2) and located.reason == "located from metadata"
    assert located.box == (80, 330, 220, 372)
    assert located.confidence == pytest.approx(0.85)  # a full match times the mean OCR's


def test_a_known_title_is_located_with_or_without_its_small_article() -> None:
    """The Abyss: "THE" set small inside the top-left of "ABYSS". "ABYSS" alone reads only
    0.77 like "The Abyss", under the match ratio; with its article it matches."""
    lines = [rect_line("ABYSS", 32, 10, 259, 152), rect_line("THE", 88, 18, 133, 42)]
    located = locate_title(lines, W, H, "The Abyss")
    assert located is not None
    assert (located.text, located.line_indices) == ("THE ABYSS", (1, 0))
    assert locate_title(lines, W, H, "Abyss").text == "ABYSS"


def test_a_known_title_the_ocr_did_not_read_is_not_located() -> None:
    lines = [rect_line("SPLASH", 40, 30, 260, 80), rect_line("A FILM", 80, 420, 220, 432)]
    assert locate_title(lines, W, H, "Cujo") is None
    assert locate_title(lines, W, H, "  ") is None
    assert locate_title([], W, H, "Cujo") is None


def test_a_title_read_in_pieces_side_by_side_is_found_in_the_ocr(scorer) -> None:  # noqa: ANN001
    """Recall (`contains_title` over `searchable_texts`) looks where titles are chosen from:
    a title whose pieces the detector cut apart, misread by a letter, is found, as the
    choice that reads it right."""
    lines = [
        rect_line("WILLIAM HURT  LEE MARVIN  BRIAN DENNEHY", 20, 10, 280, 24),
        rect_line("GORKY", 30, 45, 150, 95),
        rect_line("PALK", 170, 46, 270, 95),
        rect_line("A FILM BY MICHAEL APTED  MUSIC BY JAMES HORNER  PRODUCED BY", 20, 400, 280, 408),
    ]
    assert not contains_title([line.text for line in lines], "Gorky Park")
    assert contains_title(searchable_texts(lines), "Gorky Park")
    assert titles_match(choose_title(lines, 300, 450, scorer).text, "Gorky Park")
