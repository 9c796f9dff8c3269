"""Draw OCR results on a poster for people to check: every line's polygon thin, the title's
box thick."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

LINE_COLOUR = (0, 200, 255)
TITLE_COLOUR = (255, 40, 40)


def draw_ocr(
    rgb: np.ndarray,
    polygons: Sequence[np.ndarray],
    title_box: tuple[float, float, float, float] | None,
) -> np.ndarray:
    """Returns an annotated copy; `polygons` are (4, 2) pixel corners."""
    canvas = rgb.copy()
    for polygon in polygons:
        points = np.round(polygon).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [points], isClosed=True, color=LINE_COLOUR, thickness=1)
    if title_box is not None:
        x0, y0, x1, y1 = (int(round(value)) for value in title_box)
        cv2.rectangle(canvas, (x0, y0), (x1, y1), TITLE_COLOUR, thickness=3)
    return canvas
