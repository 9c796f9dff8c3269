"""Text lines recognised each at its own width, for rapidocr's recogniser slot.

rapidocr sorts a poster's lines by width and pads each batch of six to its widest member.
The recogniser mixes information along the whole padded line, so a line's text depended on
which lines happened to share its batch (138 of 592 lines on 60 real posters read differently
alone), and every short line paid for the longest one. Here each line is padded to its own
width rounded up to a step, and only lines of the same padded width share an inference: a
line reads the same whatever else is on the poster, and recognition takes about a quarter
less time (docs/measurements.md, "Titles").
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from rapidocr.ch_ppocr_rec import TextRecInput, TextRecognizer, TextRecOutput


def padded_width(crop_width: int, crop_height: int, height: int, min_width: int, step: int) -> int:
    """The recogniser input width of a line scaled to `height`: at least `min_width`, rounded
    up to a multiple of `step`."""
    scaled = math.ceil(height * crop_width / crop_height)
    return math.ceil(max(min_width, scaled) / step) * step


def width_batches(widths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices of lines grouped by equal width, at most `batch_size` a group, narrowest
    first."""
    by_width: dict[int, list[int]] = defaultdict(list)
    for index, width in enumerate(widths):
        by_width[width].append(index)
    return [
        members[start : start + batch_size]
        for _, members in sorted(by_width.items())
        for start in range(0, len(members), batch_size)
    ]


def normalised_line(crop: np.ndarray, height: int, width: int) -> np.ndarray:
    """(3, height, width) float32 in [-1, 1]: the crop scaled to `height` (squeezed if wider
    than `width`) and padded with zeros on the right, as PaddleOCR's recognisers expect."""
    scaled = min(width, math.ceil(height * crop.shape[1] / crop.shape[0]))
    resized = cv2.resize(crop, (scaled, height)).astype(np.float32)
    padded = np.zeros((3, height, width), np.float32)
    # rapidocr's arithmetic, step for step: other rounding moves some lines' text.
    padded[:, :, :scaled] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
    return padded


def line_images(args: TextRecInput) -> list[np.ndarray]:
    """The line images of a recogniser call (rapidocr accepts one image or a list)."""
    return [args.img] if isinstance(args.img, np.ndarray) else list(args.img)


class RecogniserWrapper:
    """Stands in rapidocr's recogniser slot around a recogniser, exposing its OpenVINO
    session and CTC decoder (one compiled model for both)."""

    def __init__(self, recogniser: TextRecognizer | RecogniserWrapper) -> None:
        self._recogniser = recogniser

    @property
    def session(self) -> object:
        return self._recogniser.session

    @property
    def postprocess_op(self) -> object:
        return self._recogniser.postprocess_op


class WidthBucketRecogniser(RecogniserWrapper):
    """rapidocr's `TextRecognizer` (same model, session and decoder), batching lines by
    their own padded width."""

    def __init__(self, recogniser: TextRecognizer, step: int) -> None:
        super().__init__(recogniser)
        self._recogniser: TextRecognizer = recogniser
        self._step = step

    def __call__(self, args: TextRecInput) -> TextRecOutput:
        # Imported here (~0.6 s), as in models/ocr.py: every process that loads the asset
        # graph imports this module through the stage registry.
        from rapidocr.ch_ppocr_rec import TextRecOutput

        start = time.perf_counter()
        crops = line_images(args)
        _, height, min_width = self._recogniser.rec_image_shape
        widths = [
            padded_width(crop.shape[1], crop.shape[0], height, min_width, self._step)
            for crop in crops
        ]
        lines: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        words: list[object] = [None] * len(crops)
        for batch in width_batches(widths, self._recogniser.rec_batch_num):
            width = widths[batch[0]]
            inputs = np.stack([normalised_line(crops[index], height, width) for index in batch])
            batch_lines, batch_words = self._recogniser.postprocess_op(
                self._recogniser.session(inputs),
                args.return_word_box,
                wh_ratio_list=[crops[index].shape[1] / crops[index].shape[0] for index in batch],
                max_wh_ratio=width / height,
            )
            for position, index in enumerate(batch):
                lines[index] = batch_lines[position]
                words[index] = batch_words[position] if args.return_word_box else None
        texts, scores = zip(*lines, strict=True) if lines else ((), ())
        return TextRecOutput(
            imgs=crops,
            txts=tuple(texts),
            scores=list(scores),
            word_results=tuple(words),
            elapse=time.perf_counter() - start,
        )
