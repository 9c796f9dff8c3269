"""Turn the bytes of any poster file into one 8-bit RGB array, or a specific PosterInputError.

Valid but unusual images are normalised (EXIF orientation, CMYK, greyscale, palette, alpha,
16-bit, first frame of animations); unusable ones are rejected with a reason a person can act on.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from poster_assets.corpus.path_text import os_path
from poster_assets.errors import FailureKind, PosterInputError

DEFAULT_MAX_PIXELS = 100_000_000
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024
DEFAULT_MIN_SIDE = 32
DEFAULT_MAX_ASPECT = 20.0
_EXIF_ORIENTATION_TAG = 0x0112
_EXIF_TRANSPOSITIONS = frozenset(range(2, 9))  # 1 is upright; other values mean nothing

# Pillow raises these for broken streams; anything else is a bug worth seeing as such.
_PILLOW_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class DecodeLimits:
    """Guards against decompression bombs, huge files and images too small to analyse."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    min_side: int = DEFAULT_MIN_SIDE
    max_aspect: float = DEFAULT_MAX_ASPECT  # long side / short side; posters are ~1.5


DEFAULT_LIMITS = DecodeLimits()


@dataclass(frozen=True)
class DecodedImage:
    """`rgb` is (H, W, 3) uint8, upright; the other fields say what the file was."""

    rgb: np.ndarray = field(repr=False)
    format: str
    source_mode: str
    frame_count: int
    exif_transposed: bool

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
            image.load()
            upright = ImageOps.exif_transpose(image)
        except _PILLOW_DECODE_ERRORS as error:
            raise PosterInputError(
                FailureKind.TRUNCATED, f"truncated or corrupt image data: {error}"
            ) from error
    return DecodedImage(
        rgb=to_rgb8(upright),
        format=image_format,
        source_mode=image.mode,
        frame_count=frame_count,
        exif_transposed=orientation in _EXIF_TRANSPOSITIONS,
    )


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
    """16-bit integers map 0..65535 to 0..255; other high-depth data is min-max stretched."""
    values = values.astype(np.float64)
    if integer_16bit or (values.min() >= 0 and values.max() <= 65535 and values.max() > 255):
        return np.clip(np.round(values / 257.0), 0, 255).astype(np.uint8)
    low, high = np.nanmin(values), np.nanmax(values)
    if not np.isfinite(low) or not np.isfinite(high) or high <= low:
        return np.zeros(values.shape, dtype=np.uint8)
    return np.clip(np.round((values - low) / (high - low) * 255.0), 0, 255).astype(np.uint8)
