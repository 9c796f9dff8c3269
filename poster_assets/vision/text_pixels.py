"""The pixels of a text line's glyphs, not its box: a title box is mostly background, so
"which layer holds the title" asked of the box answers with whatever is behind the letters.

Inside the line's quadrilateral the colours fall into three clusters (K-means in Lab: ground,
glyph fill, and glyph edge, outline or shadow). On generated posters against their exact
title masks, three clusters gave a mean IoU of 0.79 against 0.64 for two, which miss outlines
(docs/measurements.md). Which clusters are glyphs:

- a credit line's: a cluster that covers at least a fifth of the quadrilateral's rim is
  ground, since glyphs seldom touch the edges of a detector's box, and the rest are glyphs,
  always including the cluster least present on the rim for its size;
- a title's: big letters do touch a tight box all round, and a title often sits on a plate of
  its own colour, so the rim's shares alone mislead. The clusters fall into two sides instead,
  one cluster set apart from the other two where their colours differ most (as Otsu parts two
  classes), and the side less present on the rim is glyphs, unless that side is one cluster
  more common on the rim than inside the line (a plate, a band of the picture) while another
  is less common there: then that other one is. The title's letters also keep their edge:
  the pixel around them that K-means put with a second ground colour (anti-aliasing, a thin
  outline or shadow) is glyph; the main ground stays ground. Where the title's OCR text and
  the recogniser are given and the rule's letters do not read as that text, a glyph side
  one cluster away that reads much more like it is taken instead: with a title's second
  colour ("kids" of "SPY kids") or an outline's fill added, or without a plate or band the
  rule took with the letters. Only a cluster more of the rim than of the line may leave the
  glyphs, and one far more of it (a plate) never joins them. Before that, letters taken as
  their outline alone get their fill: the cluster their holes show, where it is not the
  main ground (which filled letters' counters show) and the letters with it still read as
  the text; an outline reads as well as its fill, so reading alone cannot tell them.

Against the generated posters' exact title pixels the title's IoU went from 0.77 / 0.82
(seed 11 / 5) with the credits' rule and a ring outside the line to 0.82 / 0.86 with this
one (docs/measurements.md, "Composition"). Credits keep the rim rule: the title's rule moved
their IoU 0.63 / 0.65 to 0.65 / 0.61. Reading the sides one cluster away changed 48 of 1,364
title lines of 894 training posters, by eye better on 28 posters and worse on 4
(docs/measurements.md, "Composition", "The title role asks the recogniser too"). The fill of
outlined letters changed 23 of 1,386 titled training posters, by eye better on 10 and worse
on 1 ("Outlined letters' fill")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from poster_assets.vision.line_reading import LineReader, upright_letters
from poster_assets.vision.text_lines import normalise_text, text_similarity

RIM_PX = 2  # the rim is this wide, inside the quadrilateral
COLOUR_CLUSTERS = 3
GROUND_RIM_SHARE = 0.2
EDGE_PX = 1  # a title's glyphs reach this far into a second ground colour
READ_SETTLED = 0.8  # the rule's letters read at least this like the line's text: kept
READ_GAIN = 0.15  # another glyph side must read this much more like it to be taken
PLATE_RIM_RATIO = 1.5  # a cluster with over this many times its line share on the rim: a plate
RIM_HEAVY_RATIO = 1.0  # a glyph cluster with this many times its line share there may leave
# Outlined letters: a lone glyph cluster whose holes come to HOLES_SHARE of its pixels, are
# FILL_OF_HOLES one ground cluster other than the rim's main one, and hold FILL_ENCLOSED of
# that cluster's pixels; the fill is taken where the letters with it read at most
# FILL_READ_LOSS less like the line's text.
HOLES_SHARE = 0.1
FILL_OF_HOLES = 0.5
FILL_ENCLOSED = 0.3
FILL_READ_LOSS = 0.1


def _shares(classes: np.ndarray, clusters: int) -> np.ndarray:
    return np.bincount(classes, minlength=clusters) / max(len(classes), 1)


def line_text_pixels(
    rgb: np.ndarray,
    polygon: np.ndarray,
    title: bool = False,
    text: str = "",
    read: LineReader | None = None,
) -> np.ndarray:
    """(H, W) bool over the poster: the glyph pixels of one line, by the title's rule or the
    credits'; `polygon` is its 4x2 quadrilateral in the poster's pixels. For a title, `text`
    (what OCR read on the line) and `read` (the recogniser) let a glyph side one cluster
    away that reads more like the text replace the rule's."""
    height, width = rgb.shape[:2]
    mask = np.zeros((height, width), bool)
    x0, y0 = np.maximum(np.floor(polygon.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(polygon.max(axis=0)).astype(int) + 1, (width, height))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return mask
    region = np.zeros((y1 - y0, x1 - x0), np.uint8)
    corners = np.round(polygon - (x0, y0)).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(region, [corners], 1)
    inside = region.astype(bool)
    colours = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2LAB)[inside]
    # Distinct colours counted on one packed integer each: a row-wise unique sorts far slower.
    packed = (colours[:, 0].astype(np.int32) << 16) | (colours[:, 1].astype(np.int32) << 8)
    clusters = min(COLOUR_CLUSTERS, len(np.unique(packed | colours[:, 2])))
    if clusters < 2:
        return mask  # one flat colour (or no pixel): no glyphs to tell apart
    cv2.setRNGSeed(0)  # OpenCV's per-thread generator: the same pixels give the same mask
    stop = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, labels, centres = cv2.kmeans(
        colours.astype(np.float32), clusters, None, stop, 3, cv2.KMEANS_PP_CENTERS
    )
    labels = labels[:, 0]
    classes = np.full(region.shape, -1, np.int16)
    classes[inside] = labels
    kernel = np.ones((2 * RIM_PX + 1,) * 2, np.uint8)
    core = cv2.erode(region, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    rim_share = _shares(classes[inside & ~core.astype(bool)], clusters)
    sizes = _shares(labels, clusters)

    def glyphs_of(ground: np.ndarray) -> np.ndarray:
        glyphs = np.zeros(region.shape, bool)
        glyphs[inside] = ~ground[labels]
        return _with_edges(glyphs, classes, ground, rim_share) if title else glyphs

    if not title:
        mask[y0:y1, x0:x1] = glyphs_of(_rim_ground(sizes, rim_share))
        return mask
    ground = _title_ground(sizes, centres, rim_share)
    if read is not None and normalise_text(text):
        box = polygon - (x0, y0)
        readings: dict[bytes, str] = {}  # each side's letters are read once

        def read_sides(sides: Sequence[np.ndarray]) -> list[str]:
            unread = [side for side in sides if side.tobytes() not in readings]
            if unread:
                found = read([upright_letters(glyphs_of(side), box) for side in unread])
                readings.update(zip((side.tobytes() for side in unread), found, strict=True))
            return [readings[side.tobytes()] for side in sides]

        filled = _enclosed_fill(ground, classes, rim_share)
        if filled is not None:
            as_is, with_fill = read_sides([ground, filled])
            if _alike(with_fill, text) >= _alike(as_is, text) - FILL_READ_LOSS:
                ground = filled
        others = _neighbour_sides(ground, sizes, rim_share)
        if others:
            ground = _read_choice([ground, *others], read_sides, text)
    mask[y0:y1, x0:x1] = glyphs_of(ground)
    return mask


def _neighbour_sides(
    ground: np.ndarray, sizes: np.ndarray, rim_share: np.ndarray
) -> list[np.ndarray]:
    """Grounds (clusters,) one cluster away from `ground`, in the order of their glyph
    clusters. A ground cluster may join the glyphs unless it is a plate (over PLATE_RIM_RATIO
    times its line share on the rim); a glyph cluster may leave them where it is at least
    RIM_HEAVY_RATIO times as much of the rim as of the line. Ground and glyphs both stay, and
    the glyphs stay at most half the rim."""
    on_rim = rim_share / np.maximum(sizes, 1e-9)
    sides = []
    for cluster in range(len(ground)):
        side = ground.copy()
        side[cluster] = not ground[cluster]
        allowed = (
            on_rim[cluster] <= PLATE_RIM_RATIO
            if ground[cluster]
            else on_rim[cluster] >= RIM_HEAVY_RATIO
        )
        if allowed and side.any() and (~side).any() and rim_share[~side].sum() <= 0.5:
            sides.append(side)
    return sorted(sides, key=lambda side: tuple(np.flatnonzero(~side)))


def _read_choice(
    grounds: Sequence[np.ndarray],
    read_sides: Callable[[Sequence[np.ndarray]], list[str]],
    text: str,
) -> np.ndarray:
    """The rule's ground (`grounds[0]`) where its letters read at least READ_SETTLED like
    `text`; else the first other one reading most like it, if READ_GAIN more so. Similarities
    are rounded to two decimals, so tiny differences between readings never decide."""
    (first,) = read_sides(grounds[:1])
    settled = _alike(first, text)
    if settled >= READ_SETTLED:
        return grounds[0]
    scores = [_alike(found, text) for found in read_sides(grounds[1:])]
    best = int(np.argmax(scores))
    return grounds[1 + best] if round(scores[best] - settled, 2) >= READ_GAIN else grounds[0]


def _alike(found: str, text: str) -> float:
    """How like the line's OCR `text` a reading is, to two decimals, so that tiny
    differences between readings never decide."""
    return round(text_similarity(found, text), 2)


def _enclosed_fill(
    ground: np.ndarray, classes: np.ndarray, rim_share: np.ndarray
) -> np.ndarray | None:
    """The ground with an outline's fill moved to the glyphs, or None. Where the glyphs are
    one cluster of three, the pixels they enclose (their holes) are the counters of filled
    letters, which show the main ground, the one most of the rim shows; holes that are
    mostly the third cluster, and hold much of it, are the fill of outlined letters."""
    glyph_clusters = np.flatnonzero(~ground)
    if len(ground) != 3 or len(glyph_clusters) != 1:
        return None
    main = int(np.argmax(np.where(ground, rim_share, -1.0)))
    (fill,) = (cluster for cluster in np.flatnonzero(ground) if cluster != main)
    glyphs = classes == glyph_clusters[0]
    holes = _enclosed_by(glyphs) & (classes >= 0)
    fill_pixels = classes == fill
    fill_in_holes = int((holes & fill_pixels).sum())
    if (
        holes.sum() < max(HOLES_SHARE * glyphs.sum(), 1)
        or fill_in_holes < FILL_OF_HOLES * holes.sum()
        or fill_in_holes < FILL_ENCLOSED * fill_pixels.sum()
    ):
        return None
    filled = ground.copy()
    filled[fill] = False
    return filled


def _enclosed_by(mask: np.ndarray) -> np.ndarray:
    """The pixels outside `mask` that it cuts off from the image's edge (4-connected)."""
    padded = np.pad(mask.astype(np.uint8), 1)
    cv2.floodFill(padded, None, (0, 0), 1)
    return padded[1:-1, 1:-1] == 0


def _rim_ground(sizes: np.ndarray, rim_share: np.ndarray) -> np.ndarray:
    """(clusters,) bool, True for ground: a credit line's clusters that cover a fifth of the
    rim, the rim's commonest always, and never the cluster least found on the rim for its
    size (a light frame around a plate, caught by a slanted box's edge, is glyph)."""
    ground = rim_share >= GROUND_RIM_SHARE
    ground[rim_share.argmax()] = True
    ground[np.argmin(rim_share / sizes)] = False
    return ground


def _title_ground(sizes: np.ndarray, centres: np.ndarray, rim_share: np.ndarray) -> np.ndarray:
    """(clusters,) bool, True for ground. The clusters fall into two sides, one cluster set
    apart from the others where their Lab centres differ most (between-side variance, as
    Otsu splits two classes); the side less present on the rim is glyphs. Of three clusters,
    a lone glyph cluster more common on the rim than inside the line is a plate or a second
    ground colour, not letters, where another cluster is less common there: that one, the
    least present on the rim for its size, is the glyphs instead."""
    best, apart = -1.0, np.zeros(len(sizes), bool)
    for cluster in range(len(sizes) if len(sizes) > 2 else 1):
        side = np.arange(len(sizes)) == cluster
        weight, rest = sizes[side].sum(), sizes[~side].sum()
        if weight == 0 or rest == 0:
            continue
        mean = (sizes[side, None] * centres[side]).sum(0) / weight
        rest_mean = (sizes[~side, None] * centres[~side]).sum(0) / rest
        between = weight * rest * float(((mean - rest_mean) ** 2).sum())
        if between > best:
            best, apart = between, side
    ground = ~apart if rim_share[apart].sum() <= 0.5 else apart
    on_rim = rim_share / np.maximum(sizes, 1e-9)  # > 1: more of the rim than of the line
    glyphs = np.flatnonzero(~ground)
    if len(sizes) == 3 and len(glyphs) == 1 and on_rim[glyphs[0]] > 1 > on_rim.min():
        ground = np.arange(len(sizes)) != np.argmin(on_rim)
    return ground


def _with_edges(
    glyphs: np.ndarray, classes: np.ndarray, ground: np.ndarray, rim_share: np.ndarray
) -> np.ndarray:
    """`glyphs` and the pixels within EDGE_PX of them whose cluster (`classes`, -1 outside
    the line) is ground but not the main ground, the one most of the rim shows."""
    second = ground.copy()
    second[np.argmax(np.where(ground, rim_share, -1.0))] = False
    if not second.any():
        return glyphs
    kernel = np.ones((2 * EDGE_PX + 1,) * 2, np.uint8)
    near = cv2.dilate(glyphs.astype(np.uint8), kernel).astype(bool)
    return glyphs | (near & np.isin(classes, np.flatnonzero(second)))


def polygons_mask(shape: tuple[int, int], polygons: Sequence[np.ndarray]) -> np.ndarray:
    """(H, W) bool: the pixels inside any of the 4x2 quadrilaterals."""
    mask = np.zeros(shape, np.uint8)
    for polygon in polygons:
        cv2.fillPoly(mask, [np.round(polygon).astype(np.int32).reshape(-1, 1, 2)], 1)
    return mask.astype(bool)


def text_pixels(
    rgb: np.ndarray,
    polygons: Sequence[np.ndarray],
    title: bool = False,
    texts: Sequence[str] | None = None,
    read: LineReader | None = None,
) -> np.ndarray:
    """The glyph pixels of several lines (say, a title's), as one (H, W) bool mask; `title`,
    the lines' `texts` and `read` as for `line_text_pixels`."""
    mask = np.zeros(rgb.shape[:2], bool)
    for polygon, text in zip(polygons, texts or [""] * len(polygons), strict=True):
        mask |= line_text_pixels(rgb, np.asarray(polygon, float).reshape(4, 2), title, text, read)
    return mask
