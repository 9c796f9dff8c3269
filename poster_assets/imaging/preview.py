"""Small preview images for the Dagster UI: a contact sheet of posters, as PNG bytes."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

THUMB_HEIGHT = 200


def contact_sheet(images: Sequence[np.ndarray], columns: int = 6, gap: int = 4) -> bytes:
    """Thumbnails (each scaled to THUMB_HEIGHT) in a grid on a white page, as PNG."""
    if not images:
        raise ValueError("contact_sheet needs at least one image")
    thumbs = [_thumbnail(image) for image in images]
    cell_width = max(thumb.width for thumb in thumbs)
    rows = (len(thumbs) + columns - 1) // columns
    used_columns = min(columns, len(thumbs))
    sheet = Image.new(
        "RGB",
        (used_columns * (cell_width + gap) + gap, rows * (THUMB_HEIGHT + gap) + gap),
        "white",
    )
    for index, thumb in enumerate(thumbs):
        row, column = divmod(index, columns)
        sheet.paste(thumb, (gap + column * (cell_width + gap), gap + row * (THUMB_HEIGHT + gap)))
    return png_bytes(sheet)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def markdown_image(png: bytes, alt: str) -> str:
    """Inline PNG as Markdown; the Dagster UI renders it in the asset's metadata."""
    return f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})"


def _thumbnail(rgb: np.ndarray) -> Image.Image:
    image = Image.fromarray(rgb)
    width = max(1, round(image.width * THUMB_HEIGHT / image.height))
    return image.resize((width, THUMB_HEIGHT), Image.Resampling.LANCZOS)
