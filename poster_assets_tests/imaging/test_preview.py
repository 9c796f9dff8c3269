"""Contact sheets with captions and legends; pictures published once, linked in place."""

from __future__ import annotations

import io

import numpy as np
import pytest
from dagster import instance_for_test
from PIL import Image

from poster_assets.defs.preview_files import preview_markdown
from poster_assets.imaging.preview import (
    CAPTION_HEIGHT,
    LEGEND_HEIGHT,
    THUMB_HEIGHT,
    contact_sheet,
    poster_caption,
    stacked_png,
)
from poster_assets_tests.published_pictures import linked_pictures


def _poster(colour: int) -> np.ndarray:
    return np.full((300, 200, 3), colour, np.uint8)


def test_captions_and_legend_get_their_own_bands() -> None:
    plain = Image.open(io.BytesIO(contact_sheet([_poster(90), _poster(160)])))
    labelled = Image.open(
        io.BytesIO(
            contact_sheet(
                [_poster(90), _poster(160)],
                captions=[
                    poster_caption("ab" * 32, "A VERY LONG TITLE " * 5),
                    poster_caption("cd" * 32, ""),
                ],
                legend=[((255, 0, 0), "title")],
            )
        )
    )
    assert plain.height == THUMB_HEIGHT + 8
    assert labelled.height == plain.height + CAPTION_HEIGHT + LEGEND_HEIGHT
    caption_band = np.asarray(labelled)[THUMB_HEIGHT + 4 : THUMB_HEIGHT + 4 + CAPTION_HEIGHT]
    assert (caption_band < 128).any()  # text drawn under the posters
    assert poster_caption("cd" * 32, "") == "cdcdcdcd (no title read)"


def test_a_caption_per_image_or_none() -> None:
    with pytest.raises(ValueError, match="one caption per image"):
        contact_sheet([_poster(90), _poster(160)], captions=["one"])


def test_stacked_pictures_keep_their_sizes() -> None:
    first = contact_sheet([_poster(90)])
    second = contact_sheet([_poster(90), _poster(160)])
    stacked = Image.open(io.BytesIO(stacked_png([first, second])))
    sizes = [Image.open(io.BytesIO(png)).size for png in (first, second)]
    assert stacked.size == (max(w for w, _ in sizes), sum(h for _, h in sizes))


def test_a_picture_is_published_once_and_linked_in_place() -> None:
    drawn = []

    def draw() -> bytes:
        drawn.append(1)
        return contact_sheet([_poster(120)])

    with instance_for_test() as instance:
        first = preview_markdown(instance, "titles", "v1|a:1", "OCR lines", draw)
        again = preview_markdown(instance, "titles", "v1|a:1", "OCR lines", draw)
        changed = preview_markdown(instance, "titles", "v1|a:2", "OCR lines", draw)
        assert first == again != changed and len(drawn) == 2
        [picture] = linked_pictures(instance, first)
        assert picture.format == "PNG" and picture.height == THUMB_HEIGHT + 8
        assert preview_markdown(instance, "titles", "v1|b", "x", lambda: None) is None


def test_a_long_legend_widens_the_sheet() -> None:
    legend = [((255, 0, 0), "a legend entry far longer than one small poster is wide")] * 2
    sheet = Image.open(io.BytesIO(contact_sheet([_poster(90)], legend=legend)))
    assert sheet.width > 2 * 300
