from __future__ import annotations

import pytest

from poster_assets.vision.title_article import leading_article
from poster_assets_tests.text_line_factory import rect_line

ABYSS = rect_line("ABYSS", 32, 10, 259, 152)  # glyph height 142


def test_a_small_the_over_the_first_words_top_left_is_the_titles_article() -> None:
    """The Abyss as OCR read it: "THE" small, inside the top-left of "ABYSS"'s box."""
    lines = [
        ABYSS,
        rect_line("THE", 88, 18, 133, 42),
        rect_line("SPECIAL EDITION", 57, 129, 229, 140),
    ]
    assert leading_article(lines, (0,)) == 1


def test_the_article_may_sit_just_above_the_title() -> None:
    lines = [rect_line("THE", 48, 333, 84, 350), rect_line("QUEEN", 11, 341, 168, 385)]
    assert leading_article(lines, (1,)) == 0


@pytest.mark.parametrize(
    "article",
    [
        rect_line("THE", 60, 170, 110, 200),  # under the title
        rect_line("THE", 200, 18, 245, 42),  # over its right half
        rect_line("THE", 40, -200, 90, -170),  # far above it
        rect_line("THE", 32, 10, 120, 160),  # as large as the title
        rect_line("THEY", 88, 18, 133, 42),  # not the article
    ],
)
def test_a_the_elsewhere_is_not_attached(article) -> None:  # noqa: ANN001
    assert leading_article([ABYSS, article], (0,)) is None


def test_a_title_that_starts_with_the_gets_no_second_one() -> None:
    lines = [rect_line("THE ABYSS", 32, 10, 259, 152), rect_line("THE", 88, 18, 133, 42)]
    assert leading_article(lines, (0,)) is None
