"""Title glyphs on real posters whose big letters touch their OCR box all round: the credits'
rule (a fifth of the box's rim is ground) takes the letters for ground there, the title's
rule does not (docs/measurements.md, "The title role")."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from poster_assets.evaluation.composition import line_box_text_pixels
from poster_assets.models.ocr import load_ocr_engine, read_text_lines
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.stages.ocr import OcrStageSettings, title_line_reader
from poster_assets.vision.text_pixels import text_pixels
from poster_assets.vision.title_selection import choose_title

pytestmark = pytest.mark.shared_data

# Light letters on dark ground, each box hugging its letters: Gran Torino, The Dark Half.
POSTERS = ("tt1205489.jpg", "tt0106664.jpg")


@pytest.mark.parametrize("name", POSTERS)
def test_title_glyphs_are_the_letters_that_touch_their_box(shared_posters: Path, name: str) -> None:
    bgr = cv2.imread(str(shared_posters / "images" / name))
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    lines = read_text_lines(load_ocr_engine(OcrStageSettings().ocr_settings()), rgb)
    title = choose_title(lines, rgb.shape[1], rgb.shape[0], load_title_scorer())
    assert title.box is not None, title.reason
    polygons = [lines[index].polygon for index in title.line_indices]
    # An independent reading of the letters: Otsu's class that is less of each box's rim.
    texts = [lines[index].text for index in title.line_indices]
    letters = line_box_text_pixels(rgb, polygons, texts, title_line_reader())

    def share_of_letters(glyphs: np.ndarray) -> float:
        return float((letters & glyphs).sum() / letters.sum())

    assert share_of_letters(text_pixels(rgb, polygons)) < 0.6  # the credits' rule
    assert share_of_letters(text_pixels(rgb, polygons, title=True)) > 0.9
