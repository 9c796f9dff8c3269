"""Glyph pixels of a text line against the exact pixels the text was drawn with."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from poster_assets.stages.ocr import title_line_reader
from poster_assets.vision import text_pixels as text_pixels_module
from poster_assets.vision.text_pixels import (
    _neighbour_sides,
    _read_choice,
    line_text_pixels,
    polygons_mask,
    text_pixels,
)

BOX = np.array([[20, 30], [280, 30], [280, 90], [20, 90]], float)


def _ground() -> np.ndarray:
    """A 300x200 vertical gradient."""
    ramp = np.linspace(40, 120, 200, dtype=np.uint8)[:, None]
    rgb = np.dstack(
        [ramp.repeat(300, 1), np.full((200, 300), 60, np.uint8), 255 - ramp.repeat(300, 1)]
    )
    return np.ascontiguousarray(rgb)


def _poster(fill: tuple[int, int, int], outline: bool) -> tuple[np.ndarray, np.ndarray]:
    """A 300x200 poster: a vertical gradient ground, "TITLE" drawn inside BOX; returns the
    picture and the exact glyph pixels (fill and outline)."""
    rgb = _ground()
    letters = _thick_text("TITLE", (35, 80), 3)
    truth = cv2.dilate(letters.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if outline:
        rgb[truth] = (0, 0, 0)
    else:
        truth = letters
    rgb[letters] = fill
    return rgb, truth


def _thick_text(text: str, origin: tuple[int, int], width: int) -> np.ndarray:
    """(200, 300) bool: `text` in strokes `width` px wide (OpenCV 5's putText draws one-pixel
    strokes whatever thickness it is given)."""
    strokes = np.zeros((200, 300), np.uint8)
    cv2.putText(strokes, text, origin, cv2.FONT_HERSHEY_DUPLEX, 1.9, 1, 1, cv2.LINE_8)
    return cv2.dilate(strokes, np.ones((width, width), np.uint8)).astype(bool)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


@pytest.mark.parametrize(
    "fill, outline",
    [((250, 230, 60), False), ((250, 230, 60), True), ((10, 10, 10), False)],
    ids=["light", "light-outlined", "dark"],
)
def test_glyphs_are_found_in_their_box_whatever_their_colour(fill, outline) -> None:  # noqa: ANN001
    rgb, truth = _poster(fill, outline)
    found = line_text_pixels(rgb, BOX)
    assert _iou(found, truth) > 0.85
    assert not found[~polygons_mask(truth.shape, [BOX])].any()  # nothing outside the box


def test_a_flat_box_has_no_glyphs_and_lines_combine() -> None:
    flat = np.full((200, 300, 3), 90, np.uint8)
    assert not line_text_pixels(flat, BOX).any()
    rgb, truth = _poster((250, 230, 60), False)
    lower = BOX + (0, 100)
    assert np.array_equal(
        text_pixels(rgb, [BOX, lower]), line_text_pixels(rgb, BOX) | line_text_pixels(rgb, lower)
    )
    assert not line_text_pixels(rgb, np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)).any()


def test_glyphs_that_touch_a_tight_box_are_found_by_the_titles_rule() -> None:
    """A detector's box hugs big outlined letters to within a pixel, so they cover a fifth of
    its rim and the credits' rule calls their outline ground; the title's rule parts the
    colours into two sides first and takes the side less on the rim. (A box with no pixel of
    ground above or below the letters defeats both.)"""
    rgb, truth = _poster((250, 230, 60), outline=True)
    ys, xs = np.nonzero(truth)
    x0, y0, x1, y1 = xs.min(), ys.min() - 1, xs.max(), ys.max() + 1
    tight = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)
    found = line_text_pixels(rgb, tight, title=True)
    assert _iou(found, truth) > 0.8
    assert _iou(line_text_pixels(rgb, tight), truth) < _iou(found, truth) - 0.15
    assert not found[~polygons_mask(truth.shape, [tight])].any()
    assert np.array_equal(text_pixels(rgb, [tight], title=True), found)


def test_a_title_on_a_plate_is_its_letters_not_the_plate() -> None:
    """White letters on a black plate, the box reaching into the red ground above and below:
    red is most of the rim and the letters more of it than the plate, so the credits' rule
    takes the plate for glyphs; the title's rule sets the white apart, less on the rim."""
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[:] = (170, 30, 30)
    rgb[45:80] = 0
    letters = np.zeros((200, 300), np.uint8)
    cv2.putText(letters, "TITLE", (35, 80), cv2.FONT_HERSHEY_DUPLEX, 1.9, 1, 5, cv2.LINE_8)
    truth = letters.astype(bool)
    rgb[truth] = 245
    box = np.array([[20, 38], [280, 38], [280, 86], [20, 86]], float)
    assert _iou(line_text_pixels(rgb, box), truth) < 0.5
    assert _iou(line_text_pixels(rgb, box, title=True), truth) > 0.85  # with the plate's edge


def test_both_rules_find_glyphs_the_rim_already_tells() -> None:
    rgb, truth = _poster((250, 230, 60), outline=False)
    assert _iou(line_text_pixels(rgb, BOX), truth) > 0.85
    assert _iou(line_text_pixels(rgb, BOX, title=True), truth) > 0.85


def test_a_titles_outline_is_glyph_where_its_colour_is_also_ground(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Black bands run down the poster beside a title of yellow letters with a 1-px black
    outline: black is a ground colour (on the box's rim, with the gradient), yet the
    outline's pixels, next to the letters, are the title's; the bands stay ground."""
    rgb = _ground()
    rgb[:, 5:28] = 0
    rgb[:, 262:295] = 0
    letters = np.zeros((200, 300), np.uint8)
    cv2.putText(letters, "TITLE", (40, 80), cv2.FONT_HERSHEY_DUPLEX, 1.9, 1, 5, cv2.LINE_8)
    letters = letters.astype(bool)
    truth = cv2.dilate(letters.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    rgb[truth] = 0
    rgb[letters] = (250, 230, 60)
    found = line_text_pixels(rgb, BOX, title=True)
    assert _iou(found, truth) > 0.95
    assert not found[:, 5:28].any() and not found[:, 262:295].any()
    monkeypatch.setattr(text_pixels_module, "EDGE_PX", 0)
    assert _iou(line_text_pixels(rgb, BOX, title=True), truth) < 0.85  # the letters without it


def test_a_title_across_two_grounds_is_its_letters_not_the_ground_set_apart() -> None:
    """Red letters across a white wall and a dark picture: white stands furthest apart and
    is less than half the rim, so the two-sides rule alone took the wall for glyphs; the wall
    is more common on the rim than inside the line and the letters less, so the letters are
    the glyphs."""
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[:] = (25, 25, 25)
    rgb[:, :130] = (245, 245, 240)
    letters = np.zeros((200, 300), np.uint8)
    cv2.putText(letters, "TITLE", (35, 82), cv2.FONT_HERSHEY_DUPLEX, 1.9, 1, 7, cv2.LINE_8)
    truth = letters.astype(bool)
    rgb[truth] = (200, 30, 30)
    found = line_text_pixels(rgb, BOX, title=True)
    assert _iou(found, truth) > 0.85
    edge = cv2.dilate(letters, np.ones((3, 3), np.uint8)).astype(bool)  # the glyphs' 1-px edge
    assert not found[:, :130][~edge[:, :130]].any()  # the wall is not glyph


def _unread(images: list[np.ndarray]) -> list[str]:
    return [""] * len(images)


def test_a_title_in_two_colours_is_read_whole_where_the_rule_leaves_one_out() -> None:
    """ "SPY" in white and "KIDS" in navy on blue: white stands furthest apart, so the rule
    takes it alone, which reads "SPY"; with the line's OCR text and the recogniser, the side
    that adds the navy reads "SPY KIDS" and is taken. With a reader that reads nothing the
    rule's letters stay."""
    rgb = np.zeros((120, 420, 3), np.uint8)
    rgb[:] = (60, 60, 160)
    masks = []
    for text, colour, x in (("SPY", (250, 250, 250), 12), ("KIDS", (20, 20, 90), 150)):
        letters = np.zeros((120, 420), np.uint8)
        cv2.putText(letters, text, (x, 80), cv2.FONT_HERSHEY_DUPLEX, 1.9, 1, 5, cv2.LINE_8)
        masks.append(letters.astype(bool))
        rgb[masks[-1]] = colour
    spy, kids = masks
    line = np.array([[4, 30], [414, 30], [414, 95], [4, 95]], float)
    assert _iou(line_text_pixels(rgb, line, title=True), spy) > 0.95
    assert (
        _iou(line_text_pixels(rgb, line, True, "SPY kids", title_line_reader()), spy | kids) > 0.95
    )
    assert _iou(line_text_pixels(rgb, line, True, "SPY kids", _unread), spy) > 0.95
    assert np.array_equal(
        text_pixels(rgb, [line], True, ["SPY kids"], _unread), line_text_pixels(rgb, line, True)
    )


def test_the_sides_one_cluster_away_never_take_a_plate_or_the_ground_for_glyphs() -> None:
    """Clusters: 0 the ground, 1 a second colour, 2 the rule's letters. Adding the ground
    would make the glyphs most of the rim; a cluster with over PLATE_RIM_RATIO times its line
    share on the rim is a plate, never added; a glyph cluster leaves only where it is more of
    the rim than of the line."""
    ground, sizes = np.array([True, True, False]), np.array([0.6, 0.2, 0.2])
    (wider,) = _neighbour_sides(ground, sizes, np.array([0.8, 0.1, 0.1]))
    assert wider.tolist() == [True, False, False]
    assert _neighbour_sides(ground, sizes, np.array([0.65, 0.35, 0.0])) == []  # 0.35 > 1.5 x 0.2
    assert (
        _neighbour_sides(np.array([True, False]), np.array([0.7, 0.3]), np.array([1.0, 0.0])) == []
    )
    # The rule took the letters (1) with a band (2) that is more of the rim than of the line.
    glyphs_and_band = np.array([True, False, False])
    (narrower,) = _neighbour_sides(glyphs_and_band, sizes, np.array([0.6, 0.1, 0.3]))
    assert narrower.tolist() == [True, False, True]
    # Neither glyph cluster is commoner on the rim than inside: both stay.
    assert _neighbour_sides(glyphs_and_band, sizes, np.array([0.8, 0.1, 0.1])) == []


@pytest.mark.parametrize(
    "readings, chosen",
    [
        (["SPY KIDS", "SPY KIDS X"], 0),  # the rule's letters read as the text: kept
        (["SPY KI", "SPY KID", "SPY KIDS"], 0),  # 0.83 is settled enough
        (["SPY", "SPYK", "SPY KIDS"], 2),  # 0.60 -> 1.00: the other side that reads best
        (["SPY", "SPYK", "SP"], 0),  # 0.60 -> 0.73 at best: not READ_GAIN more
        (["SP", "SPY KIDS", "SPYKIDS"], 1),  # a tie goes to the first
    ],
)
def test_another_side_is_taken_only_where_it_reads_much_more_like_the_text(
    readings: list[str], chosen: int
) -> None:
    grounds = [np.array([index]) for index in range(len(readings))]

    def read_sides(sides: list[np.ndarray]) -> list[str]:
        return [readings[int(side[0])] for side in sides]

    assert _read_choice(grounds, read_sides, "Spy Kids")[0] == chosen


def _outlined_title() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 300x200 poster, "TITLE" in yellow with a dark outline on light blue: the picture,
    the outline's pixels and the whole letters'."""
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[:] = (150, 200, 240)
    fill = _thick_text("TITLE", (35, 80), 2)
    whole = cv2.dilate(fill.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    rgb[whole] = (40, 10, 10)
    rgb[fill] = (250, 230, 60)
    return rgb, whole & ~fill, whole


def test_letters_taken_as_their_outline_get_their_fill_where_they_still_read() -> None:
    """The dark outline stands furthest apart, so the rule takes it alone: hollow letters.
    Their holes are the yellow fill, not the blue ground the rim shows, so with the
    recogniser the fill joins them; a reader that cannot read the filled letters keeps the
    outline."""
    rgb, outline, whole = _outlined_title()
    fill = whole & ~outline

    def hollow(found: np.ndarray) -> bool:  # the outline, and of the fill only its edge
        return bool(
            (found & outline).sum() == outline.sum() and (found & fill).sum() < fill.sum() / 2
        )

    assert hollow(line_text_pixels(rgb, BOX, title=True))
    assert _iou(line_text_pixels(rgb, BOX, True, "TITLE", title_line_reader()), whole) > 0.95

    def reads_only_the_outline(images: list[np.ndarray]) -> list[str]:
        return ["TITLE", ""][: len(images)]

    assert hollow(line_text_pixels(rgb, BOX, True, "TITLE", reads_only_the_outline))


def test_counters_that_show_the_main_ground_are_not_a_fill() -> None:
    """Filled "O"s on a ground with a second colour elsewhere: their holes are the ground
    the rim shows, so the letters stay as they are; holes of the second colour are a fill."""
    classes = np.zeros((40, 90), np.int16)  # 0: the main ground
    classes[:, 70:] = 1  # a second ground colour, not enclosed
    for x in (15, 45):
        cv2.circle(classes, (x, 20), 12, 2, 5)  # 2: the letters, "O"s
    ground = np.array([True, True, False])
    rim_share = np.array([0.7, 0.3, 0.0])
    assert text_pixels_module._enclosed_fill(ground, classes, rim_share) is None
    classes[(classes == 0) & text_pixels_module._enclosed_by(classes == 2)] = 1
    filled = text_pixels_module._enclosed_fill(ground, classes, rim_share)
    assert filled is not None and filled.tolist() == [True, False, False]
