"""The OCR engine after its detector and recogniser are recompiled with a bounded shape
cache: the tuned settings survive, and it still reads text."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from poster_assets.models.ocr import RuntimeMode, load_ocr_engine, read_text_lines
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


def test_width_steps_pad_each_batch_to_a_multiple_of_the_step_and_still_read() -> None:
    settings = replace(OcrStageSettings().ocr_settings(), rec_width_step=32)
    engine = load_ocr_engine(settings, RuntimeMode.TUNED)
    line = np.full((48, 150, 3), 255, np.uint8)  # rapidocr's exact width here: 150 px
    for ratio in (150 / 48, 200 / 48, 321 / 48):
        padded = engine.text_rec.resize_norm_img(line, ratio)
        assert padded.shape[2] % 32 == 0 and 0 <= padded.shape[2] - 48 * ratio < 32
    assert [line.text for line in read_text_lines(engine, _word("POSTER"))] == ["POSTER"]
