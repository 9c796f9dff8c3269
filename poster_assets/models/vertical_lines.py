"""Vertical text lines read whichever way up they run.

rapidocr turns every line taller than wide (by 1.5) a quarter turn anticlockwise before
recognition, which is right for text running down the poster and upside down for text
running up it; its angle classifier, the one fix it offers, also turned horizontal titles
upside down and is off (docs/measurements.md, "Titles"). Here the crops of vertical lines are
left standing, and the recogniser reads each both ways turned, keeping the more confident
reading: on the 2,000 shared posters 31 of 114 vertical lines read more confidently turned
the other way ("ANYTGGHICE" -> "ANYTHINGFORALICE"). Horizontal lines are read once, as before.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np

from poster_assets.models.line_recogniser import RecogniserWrapper, line_images
from poster_assets.vision.line_reading import upright_warp

if TYPE_CHECKING:
    from rapidocr.ch_ppocr_rec import TextRecInput, TextRecOutput

VERTICAL_RATIO = 1.5  # height over width from which rapidocr turns a line (its threshold)


def is_vertical(crop: np.ndarray) -> bool:
    return crop.shape[0] >= VERTICAL_RATIO * crop.shape[1]


def standing_crop(image: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The line inside quadrilateral `box` warped to a rectangle, as rapidocr crops it
    (cubic, edges replicated), but not turned."""
    warp, size = upright_warp(box)
    return cv2.warpPerspective(
        image, warp, size, borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )


def standing_crops(image: np.ndarray, boxes: Sequence[np.ndarray]) -> list[np.ndarray]:
    """rapidocr's `crop_text_regions`, vertical lines left standing."""
    return [standing_crop(image, box) for box in boxes]


def turnings(crop: np.ndarray) -> list[np.ndarray]:
    """How a line may be read: as it is if horizontal; a quarter turn anticlockwise (text
    running down) and clockwise (text running up) if vertical."""
    if not is_vertical(crop):
        return [crop]
    return [np.ascontiguousarray(np.rot90(crop, turns)) for turns in (1, 3)]


class BothWaysRecogniser(RecogniserWrapper):
    """A recogniser that reads each vertical line both ways turned and keeps the more
    confident reading (the anticlockwise one, rapidocr's, on a tie)."""

    def __call__(self, args: TextRecInput) -> TextRecOutput:
        from rapidocr.ch_ppocr_rec import TextRecInput, TextRecOutput

        start = time.perf_counter()
        readings = [turnings(crop) for crop in line_images(args)]
        flat = [image for images in readings for image in images]
        output = self._recogniser(TextRecInput(img=flat, return_word_box=args.return_word_box))
        images, texts, scores, words = [], [], [], []
        position = 0
        for options in readings:
            span = range(position, position + len(options))
            best = max(span, key=lambda index: (output.scores[index], -index))
            images.append(flat[best])
            texts.append(output.txts[best])
            scores.append(output.scores[best])
            words.append(output.word_results[best])
            position += len(options)
        return TextRecOutput(
            imgs=images,
            txts=tuple(texts),
            scores=scores,
            word_results=tuple(words),
            elapse=time.perf_counter() - start,
        )
