from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from poster_assets.errors import FailureKind, PosterInputError
from poster_assets.imaging.decode import (
    DEFAULT_LIMITS,
    DecodeLimits,
    decode_image,
    read_image_bytes,
)
from poster_assets_tests.image_files import (
    animated_gif,
    decompression_bomb_png,
    encoded,
    gradient_rgb,
    jpeg_with_orientation,
    sixteen_bit_grey_png,
    write,
)


def _kind(data: bytes, limits: DecodeLimits = DEFAULT_LIMITS) -> FailureKind:
    with pytest.raises(PosterInputError) as raised:
        decode_image(data, limits)
    return raised.value.kind


def test_jpeg_and_png_decode_to_rgb8() -> None:
    for fmt in ("JPEG", "PNG", "WEBP", "BMP", "TIFF"):
        decoded = decode_image(encoded(gradient_rgb(), fmt))
        assert decoded.rgb.shape == (180, 120, 3)
        assert decoded.rgb.dtype == np.uint8
        assert decoded.format == fmt


def test_exif_orientation_is_applied() -> None:
    decoded = decode_image(jpeg_with_orientation(6, width=120, height=80))
    assert (decoded.width, decoded.height) == (80, 120)
    assert decoded.exif_transposed
    assert not decode_image(jpeg_with_orientation(1)).exif_transposed
    assert not decode_image(jpeg_with_orientation(9)).exif_transposed  # not a defined value


@pytest.mark.parametrize("mode", ["CMYK", "L", "1", "P", "LA", "RGBA", "I", "F"])
def test_odd_colour_modes_become_rgb8(mode: str) -> None:
    source = gradient_rgb().convert(mode)
    fmt = "TIFF" if mode in ("CMYK", "I", "F") else "PNG"
    decoded = decode_image(encoded(source, fmt))
    assert decoded.rgb.shape == (180, 120, 3)
    assert decoded.source_mode == mode


def test_cmyk_jpeg_keeps_colour() -> None:
    decoded = decode_image(
        encoded(Image.new("RGB", (40, 40), (200, 30, 30)).convert("CMYK"), "JPEG")
    )
    red, green, blue = decoded.rgb[20, 20].astype(int)
    assert red > 150 and green < 80 and blue < 80


def test_transparent_pixels_are_composited_on_white() -> None:
    transparent = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    decoded = decode_image(encoded(transparent, "PNG"))
    assert (decoded.rgb == 255).all()


def test_sixteen_bit_is_rescaled_not_clipped() -> None:
    assert decode_image(sixteen_bit_grey_png(65535)).rgb.max() == 255
    mid = decode_image(sixteen_bit_grey_png(32768)).rgb
    assert 120 <= int(mid[0, 0, 0]) <= 135


def test_animated_gif_takes_first_frame() -> None:
    decoded = decode_image(animated_gif())
    assert decoded.frame_count == 2
    red, _, blue = decoded.rgb[10, 10].astype(int)
    assert red > 200 and blue < 50


def test_empty_data() -> None:
    assert _kind(b"") == FailureKind.EMPTY


def test_text_with_image_extension_is_not_an_image() -> None:
    assert _kind(b"title,year\nAlien,1979\n") == FailureKind.NOT_AN_IMAGE


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_files(fmt: str) -> None:
    data = encoded(gradient_rgb(300, 450), fmt)
    assert _kind(data[: len(data) // 2]) == FailureKind.TRUNCATED


def test_decompression_bomb_is_refused_before_decoding() -> None:
    error_kind = _kind(decompression_bomb_png())
    assert error_kind == FailureKind.TOO_MANY_PIXELS


def test_pixel_limit_is_configurable_and_message_names_size() -> None:
    with pytest.raises(PosterInputError, match=r"120x180 = 21600 pixels exceeds the limit of 1000"):
        decode_image(encoded(gradient_rgb(), "PNG"), DecodeLimits(max_pixels=1000))


def test_tiny_images_are_refused() -> None:
    assert _kind(encoded(Image.new("RGB", (8, 300)), "PNG")) == FailureKind.TOO_SMALL


def test_strips_are_refused_as_not_posters() -> None:
    assert _kind(encoded(Image.new("RGB", (40 * 21, 40)), "PNG")) == FailureKind.EXTREME_ASPECT
    assert decode_image(encoded(Image.new("RGB", (40 * 20, 40)), "PNG")).width == 800


def test_read_refuses_empty_directories_pipes_and_missing(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.jpg", b"")
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling.jpg"
    dangling.symlink_to(tmp_path / "gone.jpg")
    expected = {
        empty: FailureKind.EMPTY,
        folder: FailureKind.NOT_A_FILE,
        fifo: FailureKind.NOT_A_FILE,
        dangling: FailureKind.UNREADABLE,
    }
    for path, kind in expected.items():
        with pytest.raises(PosterInputError) as raised:
            read_image_bytes(path)
        assert raised.value.kind == kind, path


def test_read_refuses_files_over_the_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.png", b"x" * 2048)
    with pytest.raises(PosterInputError, match="over the limit of 1024") as raised:
        read_image_bytes(path, DecodeLimits(max_file_bytes=1024))
    assert raised.value.kind == FailureKind.FILE_TOO_LARGE


def test_pictures_over_the_side_limit_are_reduced_upright_and_in_colour() -> None:
    rotated = decode_image(jpeg_with_orientation(6, width=4000, height=3000))
    assert rotated.reduced and rotated.exif_transposed
    assert rotated.height > rotated.width and max(rotated.height, rotated.width) <= 1024
    original = gradient_rgb(3200, 400)
    palette = decode_image(encoded(original.convert("P"), "PNG"))
    assert palette.reduced and (palette.width, palette.height) == (800, 100)  # 3200 / 4
    expected = np.asarray(original.reduce(4), dtype=np.float32)
    assert np.abs(palette.rgb.astype(np.float32) - expected).mean() < 12  # palette quantising
    small = decode_image(encoded(gradient_rgb(), "PNG"))
    assert not small.reduced and (small.width, small.height) == (120, 180)
