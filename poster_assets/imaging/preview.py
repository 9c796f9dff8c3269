"""Small preview images for people: a contact sheet of posters with a caption under each and
a legend of what the colours mean, as PNG bytes."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

THUMB_HEIGHT = 200
CAPTION_HEIGHT = 18
LEGEND_HEIGHT = 24
FONT_SIZE = 12

Legend = Sequence[tuple[tuple[int, int, int], str]]  # (RGB colour, what it marks)


def contact_sheet(
    images: Sequence[np.ndarray],
    captions: Sequence[str] = (),
    legend: Legend = (),
    columns: int = 3,  # fits the value column of the UI's metadata table (about 450 px)
    gap: int = 4,
) -> bytes:
    """Thumbnails (each scaled to THUMB_HEIGHT) in a grid on a white page, each with its
    caption (cut to the thumbnail's width) and the legend under the grid, as PNG."""
    if not images:
        raise ValueError("contact_sheet needs at least one image")
    if captions and len(captions) != len(images):
        raise ValueError("one caption per image")
    font = ImageFont.load_default(size=FONT_SIZE)
    thumbs = [_thumbnail(image) for image in images]
    cell_width = max(max(thumb.width for thumb in thumbs), 120)
    cell_height = THUMB_HEIGHT + (CAPTION_HEIGHT if captions else 0)
    rows = (len(thumbs) + columns - 1) // columns
    used_columns = min(columns, len(thumbs))
    grid_height = rows * (cell_height + gap) + gap
    width = max(used_columns * (cell_width + gap) + gap, gap + _legend_width(legend, font))
    sheet = Image.new("RGB", (width, grid_height + (LEGEND_HEIGHT if legend else 0)), "white")
    draw = ImageDraw.Draw(sheet)
    for index, thumb in enumerate(thumbs):
        row, column = divmod(index, columns)
        x, y = gap + column * (cell_width + gap), gap + row * (cell_height + gap)
        sheet.paste(thumb, (x, y))
        if captions:
            text = _fitted(captions[index], font, cell_width)
            draw.text((x, y + THUMB_HEIGHT + 2), text, fill="black", font=font)
    _draw_legend(draw, legend, font, top=grid_height, gap=gap)
    return png_bytes(sheet)


def _legend_width(legend: Legend, font: ImageFont.FreeTypeFont) -> int:
    return sum(_entry_width(label, font) for _, label in legend)


def _entry_width(label: str, font: ImageFont.FreeTypeFont) -> int:
    """A swatch, its label and the space before the next entry."""
    return 17 + int(font.getlength(label)) + 14


def _draw_legend(
    draw: ImageDraw.ImageDraw, legend: Legend, font: ImageFont.FreeTypeFont, top: int, gap: int
) -> None:
    x = gap
    for colour, label in legend:
        draw.rectangle((x, top + 5, x + 12, top + 17), fill=colour, outline="black")
        draw.text((x + 17, top + 4), label, fill="black", font=font)
        x += _entry_width(label, font)


def _fitted(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` cut (with an ellipsis) to fit `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def poster_caption(poster_id: str, title: str | None) -> str:
    """What a picture of a poster is labelled with: its short id and the title read."""
    return f"{poster_id[:8]} {title or '(no title read)'}"


def stacked_png(pngs: Sequence[bytes]) -> bytes:
    """PNG pictures one under the other, on white, as one PNG."""
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    width = max(image.width for image in images)
    stacked = Image.new("RGB", (width, sum(image.height for image in images)), "white")
    top = 0
    for image in images:
        stacked.paste(image, (0, top))
        top += image.height
    return png_bytes(stacked)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def markdown_image(png: bytes, alt: str) -> str:
    """Inline PNG as Markdown (behind "[Show Markdown]" in the UI: over 1,000 characters)."""
    return f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})"


def _thumbnail(rgb: np.ndarray) -> Image.Image:
    image = Image.fromarray(rgb)
    width = max(1, round(image.width * THUMB_HEIGHT / image.height))
    return image.resize((width, THUMB_HEIGHT), Image.Resampling.LANCZOS)
