"""Build image files of every awkward kind the ingest stage must handle."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def gradient_rgb(width: int = 120, height: int = 180) -> Image.Image:
    ys, xs = np.mgrid[0:height, 0:width]
    array = np.stack(
        [xs * 255 // max(width - 1, 1), ys * 255 // max(height - 1, 1), np.full_like(xs, 90)],
        axis=2,
    ).astype(np.uint8)
    return Image.fromarray(array)


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def jpeg_with_orientation(orientation: int, width: int = 120, height: int = 80) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(gradient_rgb(width, height), "JPEG", exif=exif.tobytes())


def animated_gif() -> bytes:
    first = Image.new("RGB", (64, 64), (255, 0, 0))
    second = Image.new("RGB", (64, 64), (0, 0, 255))
    return encoded(first, "GIF", save_all=True, append_images=[second], duration=100, loop=0)


def sixteen_bit_grey_png(value: int = 65535) -> bytes:
    array = np.full((64, 64), value, dtype=np.uint16)
    return encoded(Image.fromarray(array), "PNG")


def decompression_bomb_png(side: int = 12_000) -> bytes:
    """144 Mpx of black in a few tens of kB: over the default 100 Mpx limit."""
    return encoded(Image.new("1", (side, side), 0), "PNG")
