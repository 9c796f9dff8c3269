"""Vertical text lines: cropped standing, read turned both ways, the more confident kept."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest
from rapidocr.utils.process_img import get_rotate_crop_image

from poster_assets.models.ocr import RuntimeMode, load_ocr_engine, read_text_lines
from poster_assets.models.vertical_lines import is_vertical, standing_crop, turnings
from poster_assets.stages.ocr import OcrStageSettings


def _noise(height: int, width: int) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (height, width, 3), np.uint8)


def test_a_horizontal_line_is_cropped_as_rapidocr_crops_it_and_read_once() -> None:
    image = _noise(120, 200)
    box = np.array([[10, 20], [150, 25], [148, 60], [8, 55]], np.float32)
    crop = standing_crop(image, box)
    assert np.array_equal(crop, get_rotate_crop_image(image, box.copy()))
    assert not is_vertical(crop)
    assert len(turnings(crop)) == 1 and turnings(crop)[0] is crop


def test_a_vertical_line_stays_standing_and_is_read_both_ways_turned() -> None:
    image = _noise(200, 120)
    box = np.array([[20, 10], [60, 10], [60, 170], [20, 170]], np.float32)
    crop = standing_crop(image, box)
    assert crop.shape[:2] == (160, 40) and is_vertical(crop)
    down, up = turnings(crop)
    assert np.array_equal(down, get_rotate_crop_image(image, box.copy()))  # rapidocr's turn
    assert np.array_equal(up, np.rot90(down, 2))


def _word_running(turn: int) -> np.ndarray:
    """CINEMA on a white page turned a quarter anticlockwise (running up the page, 1) or
    clockwise (running down, 3)."""
    page = np.full((300, 440, 3), 255, np.uint8)
    cv2.putText(page, "CINEMA", (30, 160), cv2.FONT_HERSHEY_SIMPLEX, 2.4, (0, 0, 0), 6)
    return np.ascontiguousarray(np.rot90(page, turn))


@pytest.mark.parametrize("turn", [1, 3], ids=["running up", "running down"])
def test_the_stage_reads_a_vertical_word_whichever_way_it_runs(turn: int) -> None:
    engine = load_ocr_engine(OcrStageSettings().ocr_settings(), RuntimeMode.TUNED)
    assert [line.text for line in read_text_lines(engine, _word_running(turn))] == ["CINEMA"]


def test_turned_one_way_a_word_running_up_is_not_read() -> None:
    """What the engine did before: rapidocr's quarter turn puts text running up upside
    down, and it reads "CINEMMA"."""
    settings = replace(OcrStageSettings().ocr_settings(), vertical_both_ways=False)
    engine = load_ocr_engine(settings, RuntimeMode.TUNED)
    assert "CINEMA" not in [line.text for line in read_text_lines(engine, _word_running(1))]


def test_both_ways_and_the_angle_classifier_are_not_asked_for_together() -> None:
    with pytest.raises(ValueError, match="choose one"):
        replace(OcrStageSettings().ocr_settings(), use_angle_cls=True)
