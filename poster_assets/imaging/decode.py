"""Turn the bytes of any poster file into one 8-bit RGB array, or a specific PosterInputError.

Valid but unusual images are normalised (EXIF orientation, CMYK, greyscale, palette, alpha,
16-bit, first frame of animations); unusable ones are rejected with a reason a person can act on.
"""

from __future__ import annotations

import io
import math
import os
import stat
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, UnidentifiedImageError

from poster_assets.corpus.path_text import os_path
from poster_assets.errors import FailureKind, PosterInputError

DEFAULT_MAX_PIXELS = 100_000_000
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024
DEFAULT_MIN_SIDE = 32
DEFAULT_MAX_ASPECT = 20.0
DEFAULT_MAX_SIDE = 1024  # 2,048 px: a 100-MP file's whole ingest peaked at ~1.7 GB (docs/design.md)
_EXIF_ORIENTATION_TAG = 0x0112
_EXIF_TRANSPOSE = {  # EXIF orientation -> what makes the picture upright (1: it is)
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Pillow raises these for broken streams; anything else is a bug worth seeing as such.
_PILLOW_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class DecodeLimits:
    """Guards against decompression bombs, huge files and images too small to analyse."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    min_side: int = DEFAULT_MIN_SIDE
    max_aspect: float = DEFAULT_MAX_ASPECT  # long side / short side; posters are ~1.5
    max_side: int = DEFAULT_MAX_SIDE  # larger pictures are reduced to fit (`_within_side`)


DEFAULT_LIMITS = DecodeLimits()


@dataclass(frozen=True)
class DecodedImage:
    """`rgb` is (H, W, 3) uint8, upright; the other fields say what the file was."""

    rgb: np.ndarray = field(repr=False)
    format: str
    source_mode: str
    frame_count: int
    exif_transposed: bool
    reduced: bool = False  # the file's picture was larger than `max_side` and was reduced

    def __post_init__(self) -> None:
        if self.rgb.ndim != 3 or self.rgb.shape[2] != 3 or self.rgb.dtype != np.uint8:
            raise ValueError(f"rgb must be (H, W, 3) uint8, got {self.rgb.shape} {self.rgb.dtype}")

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])


def read_image_bytes(path: str | os.PathLike[str], limits: DecodeLimits = DEFAULT_LIMITS) -> bytes:
    """Read a file, refusing what is not a regular, non-empty file of sane size. A `str` is a
    stored path (`corpus.path_text`), whatever bytes its name holds on disk."""
    if isinstance(path, str):
        path = os_path(path)
    try:
        info = os.stat(path)
    except OSError as error:
        raise PosterInputError(
            FailureKind.UNREADABLE, f"cannot stat file: {error.strerror}"
        ) from error
    if not stat.S_ISREG(info.st_mode):
        raise PosterInputError(
            FailureKind.NOT_A_FILE, "not a regular file (directory, pipe or device)"
        )
    if info.st_size == 0:
        raise PosterInputError(FailureKind.EMPTY, "file is empty (0 bytes)")
    if info.st_size > limits.max_file_bytes:
        raise PosterInputError(
            FailureKind.FILE_TOO_LARGE,
            f"file is {info.st_size} bytes, over the limit of {limits.max_file_bytes}",
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as error:
        raise PosterInputError(
            FailureKind.UNREADABLE, f"cannot read file: {error.strerror}"
        ) from error
    if not data:
        raise PosterInputError(FailureKind.EMPTY, "file is empty (0 bytes)")
    return data


def decode_image(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> DecodedImage:
    """Decode `data` fully (so truncation is caught here, not in a later stage)."""
    if not data:
        raise PosterInputError(FailureKind.EMPTY, "file is empty (0 bytes)")
    with warnings.catch_warnings():
        # We enforce our own pixel limit below, with a clearer message than Pillow's warning.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as error:
            raise PosterInputError(FailureKind.TOO_MANY_PIXELS, str(error)) from error
        except UnidentifiedImageError as error:
            raise PosterInputError(
                FailureKind.NOT_AN_IMAGE,
                f"not a recognised image format (first bytes {data[:8]!r})",
            ) from error
        except _PILLOW_DECODE_ERRORS as error:
            raise PosterInputError(
                FailureKind.TRUNCATED, f"corrupt image header: {error}"
            ) from error

        width, height = image.size
        if width * height > limits.max_pixels:
            raise PosterInputError(
                FailureKind.TOO_MANY_PIXELS,
                f"{width}x{height} = {width * height} pixels exceeds the limit of "
                f"{limits.max_pixels} (possible decompression bomb)",
            )
        if min(width, height) < limits.min_side:
            raise PosterInputError(
                FailureKind.TOO_SMALL,
                f"{width}x{height} is smaller than {limits.min_side} px on a side",
            )
        if max(width, height) > limits.max_aspect * min(width, height):
            raise PosterInputError(
                FailureKind.EXTREME_ASPECT,
                f"{width}x{height} is a strip, not a poster: sides differ by more than "
                f"{limits.max_aspect:.0f}:1",
            )
        image_format = image.format or "unknown"
        frame_count = int(getattr(image, "n_frames", 1))
        try:
            # Reading EXIF can load a PNG's data, so it belongs inside the guarded region.
            orientation = image.getexif().get(_EXIF_ORIENTATION_TAG, 1)
            image.seek(0)
            factor = math.ceil(max(width, height) / limits.max_side)
            if factor > 1:  # a JPEG decodes straight to 1/2, 1/4 or 1/8 of its size
                image.draft(image.mode, (-(-width // factor), -(-height // factor)))
            image.load()
            upright = _upright(_within_side(image, limits.max_side), orientation)
        except _PILLOW_DECODE_ERRORS as error:
            raise PosterInputError(
                FailureKind.TRUNCATED, f"truncated or corrupt image data: {error}"
            ) from error
    return DecodedImage(
        rgb=to_rgb8(upright),
        reduced=factor > 1,
        format=image_format,
        source_mode=image.mode,
        frame_count=frame_count,
        exif_transposed=orientation in _EXIF_TRANSPOSE,
    )


def _within_side(image: Image.Image, max_side: int) -> Image.Image:
    """Reduced by a whole factor (box averages) until its long side fits `max_side`: every
    stage then works on at most ~1 megapixel (1024 px square) whatever the file holds."""
    factor = math.ceil(max(image.size) / max_side)
    if factor <= 1:
        return image
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("P", "PA"):  # averaging palette indices would mix unrelated colours
        image = image.convert("RGBA")
    elif image.mode.startswith("I;16"):
        image = image.convert("I")
    return image.reduce(factor)


def _upright(image: Image.Image, orientation: object) -> Image.Image:
    """The EXIF orientation applied, as read from the file (a reduced copy has no EXIF)."""
    method = _EXIF_TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def to_rgb8(image: Image.Image) -> np.ndarray:
    """Any Pillow mode to (H, W, 3) uint8; alpha is composited on white, high depth rescaled."""
    mode = image.mode
    if mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        grey = _rescale_to_uint8(np.asarray(image), integer_16bit=mode.startswith("I;16"))
        return np.repeat(grey[:, :, None], 3, axis=2)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"), dtype=np.uint8).copy()
    return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()


def _rescale_to_uint8(values: np.ndarray, integer_16bit: bool) -> np.ndarray:
    """16-bit integers map 0..65535 to 0..255 (integer rounding, equal to round(v / 257)); other
    high-depth data is min-max stretched in float32 (float64 doubled a big poster's memory)."""
    is_integer = np.issubdtype(values.dtype, np.integer)
    if integer_16bit or (
        is_integer and values.min() >= 0 and values.max() <= 65535 and values.max() > 255
    ):
        return ((values.astype(np.uint32) + 128) // 257).astype(np.uint8)
    values = values.astype(np.float32)
    low, high = np.nanmin(values), np.nanmax(values)
    if not np.isfinite(low) or not np.isfinite(high) or high <= low:
        return np.zeros(values.shape, dtype=np.uint8)
    return np.clip(np.round((values - low) / (high - low) * 255.0), 0, 255).astype(np.uint8)
