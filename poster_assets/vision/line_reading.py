"""Asking the OCR recogniser what a set of pixels in a text line reads as: the pixels are
drawn black on white in the line's box turned upright, as the recogniser takes a line. A
reading of a line's letters is right when it reads like what OCR read there; the title's
glyph rule and the title-role check both ask that of their candidate pixels."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

LineReader = Callable[[Sequence[np.ndarray]], list[str]]  # upright line images -> texts


def upright_warp(quadrilateral: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The perspective transform from a line's quadrilateral (4x2, clockwise from its top
    left corner) to an upright rectangle of its longer opposite sides, and that rectangle's
    (width, height), as rapidocr sizes a line's crop."""
    corners = quadrilateral.astype(np.float32)
    sides = np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)  # top, right, ...
    width, height = max(int(max(sides[0], sides[2])), 1), max(int(max(sides[1], sides[3])), 1)
    upright = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    return cv2.getPerspectiveTransform(corners, upright), (width, height)


def upright_letters(mask: np.ndarray, quadrilateral: np.ndarray) -> np.ndarray:
    """The box of `quadrilateral` (4x2, in `mask`'s pixels) turned upright, `mask`'s pixels
    black on white, as a 3-channel uint8 image."""
    warp, size = upright_warp(quadrilateral)
    letters = cv2.warpPerspective(mask.astype(np.uint8), warp, size, flags=cv2.INTER_NEAREST)
    return np.repeat(np.where(letters > 0, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
