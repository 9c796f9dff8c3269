from __future__ import annotations

import pytest

from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.stages.ocr import OcrStageSettings
from poster_assets.vision.ocr_passes import read_with_retries
from poster_assets.vision.text_lines import TextLine
from poster_assets_tests.text_line_factory import rect_line

SIZE = (300, 450)
CREDITS = rect_line("DIRECTED BY JANE DOE", 60, 400, 240, 412)
PASSES = {
    448: [CREDITS, rect_line("GORKY", 40, 40, 140, 90)],  # half the title, stylised
    1024: [CREDITS, rect_line("GORKY PARK", 40, 40, 260, 90, 0.95)],
    736: [CREDITS, rect_line("G0RKY PAPK", 40, 40, 260, 90)],
}


def _reader(read: list[int]):  # noqa: ANN202
    def read_at(side: int) -> list[TextLine]:
        read.append(side)
        return PASSES[side]

    return read_at


@pytest.fixture(scope="module")
def scorer():  # noqa: ANN201
    return load_title_scorer()


def test_a_known_title_found_on_a_retry_keeps_that_pass(scorer) -> None:  # noqa: ANN001
    read: list[int] = []
    kept = read_with_retries(_reader(read), (448, 1024, 736), SIZE, scorer, "Gorky Park", 0.1)
    assert read == [448, 1024] and kept.side == 1024 and kept.passes == 2
    assert kept.lines[1].text == "GORKY PARK"


def test_a_known_title_found_nowhere_keeps_the_first_pass(scorer) -> None:  # noqa: ANN001
    read: list[int] = []
    kept = read_with_retries(_reader(read), (448, 1024, 736), SIZE, scorer, "Cujo", 0.1)
    assert read == [448, 1024, 736] and kept.side == 448 and kept.passes == 3


def test_a_known_title_found_first_time_costs_one_pass(scorer) -> None:  # noqa: ANN001
    read: list[int] = []
    kept = read_with_retries(_reader(read), (448, 1024), SIZE, scorer, "Gorky", 0.1)
    assert read == [448] and kept.side == 448


def test_without_a_known_title_a_convincing_first_choice_is_kept(scorer) -> None:  # noqa: ANN001
    read: list[int] = []
    kept = read_with_retries(_reader(read), (448, 1024, 736), SIZE, scorer, None, 0.0)
    assert read == [448] and kept.side == 448
    read.clear()
    kept = read_with_retries(_reader(read), (448, 1024, 736), SIZE, scorer, None, 1.01)
    assert read == [448, 1024, 736]  # nothing is that convincing: every pass, the best kept
    assert kept.side == 1024  # the confident read of the whole title


def test_retry_sizes_are_parsed_once_each_and_bad_ones_refused() -> None:
    assert OcrStageSettings().sides() == (448, 1024, 736)
    assert OcrStageSettings(det_limit_side_len=736).sides() == (736, 1024)
    assert OcrStageSettings(retry_side_lens="").sides() == (448,)
    for bad in ("big", "1024,10"):
        with pytest.raises(ValueError, match="give sizes in pixels"):
            OcrStageSettings(retry_side_lens=bad).sides()
