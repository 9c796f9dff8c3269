"""The pixels of a text line's glyphs, not its box: a title box is mostly background, so
"which layer holds the title" asked of the box answers with whatever is behind the letters.

Inside the line's quadrilateral the colours fall into three clusters (K-means in Lab: ground,
glyph fill, and glyph edge, outline or shadow); a cluster that covers at least a fifth of the
quadrilateral's rim is ground, since glyphs seldom touch the edges of a detector's box, and
the rest are glyphs, always including the cluster least present on the rim for its size.
On generated posters against their exact title masks, three clusters gave a mean IoU of 0.79
against 0.64 for two, which miss outlines (docs/measurements.md).

Big letters do touch a tight box all round, though, and then the rim calls them ground. So
for a title, given every text box on the poster, a cluster stays ground only if it is also
common on a ring just outside the line (half its height wide, other text boxes left out):
the title glyphs of training posters that agree with an independent reading went from 0.641
to 0.722. Stacked credit lines keep the rim alone: their rings fall on their neighbours'
glyphs (generated posters' other text, IoU 0.60 -> 0.54 with the ring).

A title's letters also keep their edge: the pixel around them that K-means put with a second
ground colour (anti-aliasing, a thin outline or shadow) is glyph, while the main ground stays
ground. On generated posters, whose titles have a 1-px outline, the title's IoU with its exact
pixels went from 0.77 / 0.82 to 0.81 / 0.85 (docs/measurements.md, "Composition")."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from poster_assets.vision.text_lines import quadrilateral_height

RIM_PX = 2  # the rim is this wide, inside the quadrilateral
RING_SHARE = 0.5  # the ring outside reaches this share of the line's height beyond it
MIN_RING_PIXELS = 8  # fewer (a line along the poster's edge): the rim alone decides
COLOUR_CLUSTERS = 3
GROUND_RIM_SHARE = 0.2
EDGE_PX = 1  # a title's glyphs reach this far into a second ground colour


def _shares(classes: np.ndarray, clusters: int) -> np.ndarray:
    return np.bincount(classes, minlength=clusters) / max(len(classes), 1)


def line_text_pixels(
    rgb: np.ndarray, polygon: np.ndarray, text_boxes: np.ndarray | None = None
) -> np.ndarray:
    """(H, W) bool over the poster: the glyph pixels of one line; `polygon` is its 4x2
    quadrilateral in the poster's pixels. With `text_boxes` ((H, W) bool of every text box
    on the poster), the ring outside the line is asked too."""
    height, width = rgb.shape[:2]
    mask = np.zeros((height, width), bool)
    low = np.floor(polygon.min(axis=0)).astype(int)
    high = np.ceil(polygon.max(axis=0)).astype(int) + 1
    if min(high[0], width) - max(low[0], 0) < 2 or min(high[1], height) - max(low[1], 0) < 2:
        return mask
    margin = 0 if text_boxes is None else round(RING_SHARE * quadrilateral_height(polygon))
    x0, y0 = np.maximum(low - margin, 0)
    x1, y1 = np.minimum(high + margin, (width, height))
    region = np.zeros((y1 - y0, x1 - x0), np.uint8)
    corners = np.round(polygon - (x0, y0)).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(region, [corners], 1)
    inside = region.astype(bool)
    lab = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2LAB)
    colours = lab[inside]
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
    ground = rim_share >= GROUND_RIM_SHARE
    ground[rim_share.argmax()] = True
    if margin:
        ring = cv2.dilate(region, np.ones((2 * margin + 1,) * 2, np.uint8)).astype(bool)
        ring &= ~inside & ~text_boxes[y0:y1, x0:x1]
        if ring.sum() >= MIN_RING_PIXELS:
            distances = ((lab[ring].astype(np.float32)[:, None] - centres[None]) ** 2).sum(2)
            outside = _shares(distances.argmin(axis=1), clusters)
            letters = ground & (outside < GROUND_RIM_SHARE)  # on the rim, rare beyond it
            if letters.sum() < ground.sum():
                ground &= ~letters
                rim_share = np.where(letters, outside, rim_share)
    # The cluster least found on the rim for its size is glyphs even where it reaches it
    # (a light frame around a title plate, caught by a slanted box's edge).
    ground[np.argmin(rim_share / _shares(labels, clusters))] = False
    glyphs = np.zeros(region.shape, bool)
    glyphs[inside] = ~ground[labels]
    if margin:
        glyphs = _with_edges(glyphs, classes, ground, rim_share)
    mask[y0:y1, x0:x1] = glyphs
    return mask


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
    rgb: np.ndarray, polygons: Sequence[np.ndarray], text_boxes: np.ndarray | None = None
) -> np.ndarray:
    """The glyph pixels of several lines (say, a title's), as one (H, W) bool mask;
    `text_boxes` as for `line_text_pixels`."""
    mask = np.zeros(rgb.shape[:2], bool)
    for polygon in polygons:
        mask |= line_text_pixels(rgb, np.asarray(polygon, float).reshape(4, 2), text_boxes)
    return mask
