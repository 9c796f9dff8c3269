"""The title-role check's own reading of a title's text pixels, against the exact pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pandas as pd
import pytest

from poster_assets.evaluation.composition import line_box_text_pixels
from poster_assets.stages.ocr import title_line_reader
from poster_assets.stages.stored import title_line_texts, title_quadrilaterals
from poster_assets.vision.line_reading import LineReader
from poster_assets.vision.text_lines import text_similarity

LINE = np.array([[20, 30], [280, 30], [280, 90], [20, 90]], float)


@pytest.fixture(scope="module")
def read() -> LineReader:
    return title_line_reader()


def _letters(
    rgb: np.ndarray, colour: tuple[int, int, int], origin: tuple[int, int], text: str = "TITLE"
) -> np.ndarray:
    mask = np.zeros(rgb.shape[:2], np.uint8)
    cv2.putText(mask, text, origin, cv2.FONT_HERSHEY_DUPLEX, 1.9, 1, 5, cv2.LINE_8)
    rgb[mask.astype(bool)] = colour
    return mask.astype(bool)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_red_letters_over_a_grey_ramp_are_read_where_grey_cannot_part_them(read) -> None:  # noqa: ANN001
    """Red letters (grey ~76) over a neutral ramp from dark to light grey: in grey, Otsu parts
    the ramp's halves; the green-red channel parts the letters."""
    ramp = np.linspace(30, 150, 200).astype(np.uint8)[:, None, None]
    rgb = np.ascontiguousarray(np.broadcast_to(ramp, (200, 300, 3)))
    truth = _letters(rgb, (200, 20, 20), (35, 80))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    inside = np.zeros(grey.shape, bool)
    inside[30:91, 20:281] = True
    _, split = cv2.threshold(grey[inside].reshape(-1, 1), 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    assert _iou(split.ravel().astype(bool), truth[inside]) < 0.5  # grey reads the ramp
    assert _iou(line_box_text_pixels(rgb, [LINE], ["TITLE"], read), truth) > 0.95


def test_only_the_title_lines_boxes_are_read_and_light_ground_keeps_polarity(read) -> None:  # noqa: ANN001
    """Dark letters on a light ground, another line of text below the title's box: only the
    title's box is read, its letters (not its ground) are text."""
    rgb = np.full((200, 300, 3), 230, np.uint8)
    truth = _letters(rgb, (20, 20, 60), (35, 80))
    _letters(rgb, (20, 20, 60), (35, 170))
    found = line_box_text_pixels(rgb, [LINE], ["TITLE"], read)
    assert _iou(found, truth) > 0.95
    assert not found[100:].any()
    tiny = np.array([[0, 0], [2, 0], [2, 2], [0, 2]], float)
    assert not line_box_text_pixels(rgb, [tiny], ["T"], read).any()


def test_a_title_in_two_colours_is_read_whole_where_one_channel_parts_its_colours(read) -> None:  # noqa: ANN001
    """ "RED" in red and "DRAGON" in white on black: the green-red channel parts red from the
    rest most cleanly, which reads "RED" alone; lightness reads both words, as OCR did."""
    rgb = np.zeros((120, 420, 3), np.uint8)
    red = _letters(rgb, (230, 30, 30), (12, 80), "RED")
    white = _letters(rgb, (240, 240, 240), (150, 80), "DRAGON")
    line = np.array([[4, 30], [414, 30], [414, 95], [4, 95]], float)
    found = line_box_text_pixels(rgb, [line], ["REDDRAGON"], read)
    assert _iou(found, red | white) > 0.9
    # A reader that reads nothing leaves the choice to Otsu's best split: "RED" alone.
    unread = line_box_text_pixels(rgb, [line], ["REDDRAGON"], lambda images: [""] * len(images))
    assert _iou(unread, red) > 0.9


def test_readings_compare_letters_and_digits_only() -> None:
    assert text_similarity("Sister Act 2:", "SISTERACT2") == 1.0
    assert text_similarity("RED", "REDDRAGON") == pytest.approx(0.5)
    assert text_similarity("", "") == text_similarity("A", " - ") == 0.0


def test_title_lines_give_their_boxes_and_texts_in_one_order() -> None:
    lines = pd.DataFrame(
        {
            "line_index": [0, 1, 2],
            "polygon": [list(range(8)), LINE.ravel().tolist(), [0] * 8],
            "text": ["credits", "TITLE", "date"],
        }
    )
    (only,) = title_quadrilaterals(lines, [1])
    assert np.array_equal(only, LINE)
    assert title_line_texts(lines, [2, 1]) == ["TITLE", "date"]
