"""The OCR engine after its detector and recogniser are recompiled with a bounded shape
cache (the tuned settings survive, and it still reads text), and its recogniser's lines each
padded to their own width."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
from rapidocr.ch_ppocr_rec import TextRecInput, TextRecognizer

from poster_assets.models.ocr import RuntimeMode, load_ocr_engine, read_text_lines
from poster_assets.models.recogniser_classes import RecogniserCharacters
from poster_assets.stages.ocr import OcrStageSettings


def _word(text: str) -> np.ndarray:
    rgb = np.full((300, 440, 3), 255, np.uint8)
    cv2.putText(rgb, text, (30, 160), cv2.FONT_HERSHEY_SIMPLEX, 2.4, (0, 0, 0), 6)
    return rgb


def test_a_tuned_engine_keeps_one_thread_unpinned_and_reads_a_word() -> None:
    engine = load_ocr_engine(OcrStageSettings().ocr_settings(), RuntimeMode.TUNED)
    for model in (engine.text_det, engine.text_rec):
        compiled = model.session.session.get_compiled_model()
        assert compiled.get_property("INFERENCE_NUM_THREADS") == 1
        assert compiled.get_property("ENABLE_CPU_PINNING") is False
    lines = read_text_lines(engine, _word("POSTER"))
    assert [line.text for line in lines] == ["POSTER"]


def _line(text: str, width: int) -> np.ndarray:
    crop = np.full((48, width, 3), 255, np.uint8)
    cv2.putText(crop, text, (4, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 3)
    return crop


def test_a_line_reads_the_same_alone_and_beside_a_long_line() -> None:
    """Each line is padded to its own width, so its text and score do not depend on the
    lines recognised with it (rapidocr pads a batch to its widest line)."""
    engine = load_ocr_engine(OcrStageSettings().ocr_settings(), RuntimeMode.TUNED)
    word, long_line = _line("POSTER", 180), _line("A LONG LINE OF SMALL CREDITS " * 3, 1500)
    alone = engine.text_rec(TextRecInput(img=[word]))
    mixed = engine.text_rec(TextRecInput(img=[long_line, word, word]))
    assert alone.txts == ("POSTER",)
    assert mixed.txts[1:] == ("POSTER", "POSTER") and "LONG" in mixed.txts[0]
    assert mixed.scores[1:] == [alone.scores[0]] * 2


def test_rapidocr_batching_without_a_width_step() -> None:
    settings = replace(
        OcrStageSettings().ocr_settings(), rec_width_step=0, vertical_both_ways=False
    )
    engine = load_ocr_engine(settings, RuntimeMode.TUNED)
    assert isinstance(engine.text_rec, TextRecognizer)
    assert [line.text for line in read_text_lines(engine, _word("POSTER"))] == ["POSTER"]


def test_a_latin_engine_scores_latin_characters_only_and_reads_the_same_word() -> None:
    latin = replace(OcrStageSettings().ocr_settings(), rec_characters=RecogniserCharacters.LATIN)
    every = replace(latin, rec_characters=RecogniserCharacters.ALL)
    latin_engine, every_engine = (load_ocr_engine(s, RuntimeMode.TUNED) for s in (latin, every))
    decoder = latin_engine.text_rec.postprocess_op
    assert len(decoder.character) < len(every_engine.text_rec.postprocess_op.character) / 10
    assert "中" not in decoder.character and "é" in decoder.character
    scores = latin_engine.text_rec.session(np.zeros((1, 3, 48, 192), np.float32))
    assert scores.shape[-1] == len(decoder.character)
    word = _word("POSTER")
    assert [line.text for line in read_text_lines(latin_engine, word)] == ["POSTER"]
    assert [line.text for line in read_text_lines(every_engine, word)] == ["POSTER"]
