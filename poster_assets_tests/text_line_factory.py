"""Axis-aligned OCR lines for tests."""

from __future__ import annotations

import numpy as np

from poster_assets.vision.text_lines import TextLine


def rect_line(
    text: str, x0: float, y0: float, x1: float, y1: float, confidence: float = 0.9
) -> TextLine:
    return TextLine(text, confidence, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float))
