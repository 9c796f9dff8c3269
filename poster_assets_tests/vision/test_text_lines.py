from __future__ import annotations

import numpy as np
import pytest

from poster_assets.vision.text_lines import (
    TextLine,
    contains_title,
    normalise_text,
    text_similarity,
    titles_match,
)
from poster_assets_tests.text_line_factory import rect_line


def test_normalise_keeps_lowercase_ascii_letters_and_digits_only() -> None:
    assert normalise_text("Star Trek: First Contact!") == "startrekfirstcontact"
    assert normalise_text("[REC]³ 3 Génesis") == "rec3gnesis"
    assert normalise_text("  ") == ""


def test_title_match_threshold_and_empty_strings() -> None:
    assert titles_match("THE BOONDOCK SAINTS II", "The Boondock Saints II")
    assert not titles_match("FIRST CONTACT", "Star Trek: First Contact")
    assert text_similarity("", "Alien") == 0.0
    assert not titles_match("", "")


def test_contains_title_by_line_by_substring_and_by_concatenation() -> None:
    assert contains_title(["DIRECTED BY X", "ALIEN"], "Alien")
    assert contains_title(["NOW SHOWING: ALIENS IN 3D"], "Aliens")
    assert contains_title(["THE", "TOWN"], "The Town")
    assert not contains_title(["TOWN"], "The Town Where Nothing Happens At All")
    assert not contains_title([], "Alien") and not contains_title(["x"], "")


def test_box_and_glyph_height_of_axis_aligned_and_rotated_lines() -> None:
    line = rect_line("ALIEN", 10, 20, 110, 50)
    assert line.box == (10, 20, 110, 50)
    assert line.height == pytest.approx(30)
    vertical = TextLine("ALIEN", 0.9, np.array([[0, 0], [20, 0], [20, 200], [0, 200]], float))
    assert vertical.height == pytest.approx(20)


def test_polygon_shape_is_validated() -> None:
    with pytest.raises(ValueError, match=r"\(4, 2\)"):
        TextLine("x", 1.0, np.zeros((3, 2)))
