"""A poster's text as tokens: each OCR line (largest glyphs first) and, where metadata gives
one, the known title, each as hashed character n-grams (`ssl/text_features`: no model to
download, robust to OCR's misspellings) with its box relative to the poster."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from poster_assets.ssl.text_features import TEXT_DIMENSIONS, text_vectors

MAX_TEXT_TOKENS = 16
# Text slots of the model: the OCR lines, the metadata title and the poster's words as a whole
# (`fusion/poster_words`), which sits in the last slot, boxed by the whole poster.
TEXT_SLOTS = MAX_TEXT_TOKENS + 2
WORDS_SLOT = TEXT_SLOTS - 1
WORDS_BOX = (0.0, 0.0, 1.0, 1.0)
NO_BOX = (0.0, 0.0, 0.0, 0.0)  # the metadata title has no place on the poster


@dataclass(frozen=True)
class TextToken:
    source: str  # 'ocr' or 'metadata'
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of the poster
    is_title: bool


def ocr_tokens(
    lines: list[tuple[int, str, float, tuple[float, float, float, float]]],
    title_lines: set[int],
    width: int,
    height: int,
) -> list[TextToken]:
    """(line_index, text, glyph height, box in pixels) -> tokens, largest glyphs first, at
    most MAX_TEXT_TOKENS; blank lines are dropped."""
    ordered = sorted((line for line in lines if line[1].strip()), key=lambda line: -line[2])
    return [
        TextToken(
            "ocr",
            text,
            (box[0] / width, box[1] / height, box[2] / width, box[3] / height),
            index in title_lines,
        )
        for index, text, _, box in ordered[:MAX_TEXT_TOKENS]
    ]


def encode_vectors(texts: list[str]) -> list[bytes]:
    """Each text's hashed n-gram vector as zlib'd float16 bytes."""
    if not texts:
        return []
    vectors = text_vectors(texts, TEXT_DIMENSIONS).astype(np.float16)
    return [zlib.compress(vector.tobytes(), 1) for vector in vectors]


def decode_vector(data: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(data), np.float16)
