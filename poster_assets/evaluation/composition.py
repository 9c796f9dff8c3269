"""How well the composition's roles follow a poster's content.

Generated posters have exact role maps (background, subject, title, credits): the IoU of
each stored role with its true counterpart, at the poster's size, and how often the title
role holds >= 80 % of the title's exact pixels. Real posters have none, so the title role is
checked against a second, independent reading of the title's text pixels: inside each title
line's box, Otsu's two classes on each Lab channel, the class that is less of the box's rim
being text, and of the three the one whose letters the OCR recogniser reads as the line's
OCR text (ties: the channel Otsu parts best). Where a title's parts differ in colour (red
"RED", white "DRAGON"), the channel that parts best parts the letters from each other, not
from their ground; the recogniser tells the readings apart (docs/measurements.md,
"Composition"). Issue 18 asks that >= 80 % of those pixels lie in the title role on >= 90 %
of titled posters.

That share alone rewards a title role that grows into the ground around the letters, so each
report also gives its converse: the share of the title role's pixels (inside the title
lines' boxes) that the reading calls text, or that are exact title pixels."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from poster_assets.demo.generator import LAYER_BACKGROUND, LAYER_CREDITS, LAYER_SUBJECT, LAYER_TITLE
from poster_assets.stages.stored import poster_pictures, title_line_texts, title_quadrilaterals
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import poster_files, poster_sizes
from poster_assets.store.stages import StoredRows, load_role_maps, rows_for_posters
from poster_assets.vision import composition, text_pixels
from poster_assets.vision.line_reading import LineReader, upright_letters
from poster_assets.vision.masks import iou
from poster_assets.vision.text_lines import text_similarity

TITLE_PIXELS_INSIDE = 0.8  # of the title's text pixels, in the title role
MIN_BOX_PIXELS = 9  # a line box smaller than this has no text to read
TRUE_ROLES = {  # what shows at each pixel, in the true map and the stored one
    "subject": (LAYER_SUBJECT, lambda roles: roles >= composition.FIRST_SUBJECT),
    "title_text": (LAYER_TITLE, lambda roles: roles == composition.TITLE_TEXT),
    "other_text": (LAYER_CREDITS, lambda roles: roles == composition.OTHER_TEXT),
    "background": (LAYER_BACKGROUND, lambda roles: roles == composition.BACKGROUND),
}


def _otsu_split(values: np.ndarray) -> tuple[np.ndarray, float]:
    """Otsu's upper class of 1-D uint8 `values`, and the share of their variance it explains."""
    threshold, _ = cv2.threshold(values.reshape(-1, 1), 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    upper = values > threshold
    if upper.all() or not upper.any():
        return upper, 0.0
    weight = upper.mean()
    gap = float(values[upper].mean()) - float(values[~upper].mean())
    return upper, float(weight * (1 - weight) * gap**2 / values.var())


def _channel_reading(
    channel: np.ndarray, inside: np.ndarray, rim: np.ndarray
) -> tuple[np.ndarray, float]:
    """In the box `inside`, Otsu's class of `channel` that is less of the box's `rim`, and
    the share of variance the split explains."""
    upper, separability = _otsu_split(channel[inside])
    classes = np.zeros(channel.shape, bool)
    classes[inside] = upper
    on_rim = classes[rim]
    return inside & (~classes if on_rim.size and on_rim.mean() > 0.5 else classes), separability


def line_box_text_pixels(
    rgb: np.ndarray,
    quadrilaterals: Sequence[np.ndarray],
    texts: Sequence[str],
    read: LineReader,
) -> np.ndarray:
    """(H, W) bool: in each line's 4x2 box, the Lab channel's Otsu reading (`_channel_reading`)
    whose letters `read` reads most like the line's OCR `texts`; where the similarities are
    equal to two decimals, the channel Otsu parts best."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    text = np.zeros(rgb.shape[:2], bool)
    for quadrilateral, expected in zip(quadrilaterals, texts, strict=True):
        inside = text_pixels.polygons_mask(rgb.shape[:2], [quadrilateral])
        if inside.sum() < MIN_BOX_PIXELS:
            continue
        core = cv2.erode(inside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        rim = inside & ~core  # two pixels wide
        readings = [_channel_reading(lab[:, :, channel], inside, rim) for channel in range(3)]
        seen = read([upright_letters(letters, quadrilateral) for letters, _ in readings])
        scores = [
            (round(text_similarity(found, expected), 2), separability)
            for found, (_, separability) in zip(seen, readings, strict=True)
        ]
        text |= readings[max(range(len(readings)), key=scores.__getitem__)][0]
    return text


def title_role_report(db: PosterDatabase, rows: StoredRows, read: LineReader) -> dict[str, object]:
    """On every titled poster with a role map: the share of the title lines' text pixels
    (`line_box_text_pixels`) inside the title role (median, and how many posters reach
    TITLE_PIXELS_INSIDE), and the median share of the role inside the lines' boxes that the
    reading calls text."""
    ids = list(poster_sizes(db))
    titles = rows_for_posters(db, "titles", ids)
    titles = titles[titles["title_text"] != ""]
    maps = load_role_maps(db, list(titles["poster_id"]))
    lines = dict(tuple(rows_for_posters(db, "ocr_lines", list(maps)).groupby("poster_id")))
    pictures = poster_pictures(rows, list(maps))
    shares, converse = [], []
    for title in titles.itertuples():
        if not all(title.poster_id in found for found in (maps, pictures, lines)):
            continue
        picture = pictures[title.poster_id]
        own_lines = lines[title.poster_id]
        quadrilaterals = title_quadrilaterals(own_lines, title.line_indices)
        texts = title_line_texts(own_lines, title.line_indices)
        text = line_box_text_pixels(picture, quadrilaterals, texts, read)
        if not text.any():
            continue
        inside = maps[title.poster_id] == composition.TITLE_TEXT
        shares.append(float((text & inside).sum() / text.sum()))
        role = inside & text_pixels.polygons_mask(picture.shape[:2], quadrilaterals)
        converse.append(_share(text, role))
    return _share_summary(shares, converse)


def _share(of: np.ndarray, within: np.ndarray) -> float:
    """The share of `within`'s pixels that `of` holds; 0 when `within` is empty."""
    return float((of & within).sum() / within.sum()) if within.any() else 0.0


def _share_summary(shares: Sequence[float], converse: Sequence[float]) -> dict[str, object]:
    """`shares`: of the title's text pixels, the share in the title role; `converse`: of the
    title role's pixels, the share that is title text (one each per poster)."""
    return {
        "titled_posters": len(shares),
        "median_title_pixels_in_title_role": round(float(np.median(shares)), 4) if shares else None,
        "posters_with_80_percent_inside": (
            round(float(np.mean(np.asarray(shares) >= TITLE_PIXELS_INSIDE)), 4) if shares else None
        ),
        "median_title_role_pixels_that_are_text": (
            round(float(np.median(converse)), 4) if converse else None
        ),
    }


def demo_composition_report(db: PosterDatabase, corpus_dir: Path) -> dict[str, object]:
    """Mean IoU of each stored role with the generated corpus's exact one."""
    truths = [json.loads(line) for line in (corpus_dir / "ground_truth.jsonl").open()]
    by_name = {name: poster_id for poster_id, name, _ in poster_files(db)}
    maps = load_role_maps(db, [by_name[t["image"]] for t in truths if t["image"] in by_name])
    ious: dict[str, list[float]] = {name: [] for name in TRUE_ROLES}
    title_shares, title_converse = [], []
    for truth in truths:
        roles = maps.get(by_name.get(truth["image"], ""))
        if roles is None:
            continue
        true_map = cv2.imread(
            str(corpus_dir / "layers" / (Path(truth["image"]).stem + ".png")), cv2.IMREAD_UNCHANGED
        )
        true_map = cv2.resize(
            true_map, (roles.shape[1], roles.shape[0]), interpolation=cv2.INTER_NEAREST
        )
        for name, (true_value, stored) in TRUE_ROLES.items():
            ious[name].append(iou(stored(roles), true_map == true_value))
        true_title = true_map == LAYER_TITLE
        if true_title.any():
            role = roles == composition.TITLE_TEXT
            title_shares.append(float((true_title & role).sum() / true_title.sum()))
            title_converse.append(_share(true_title, role))
    return {
        "posters": len(ious["subject"]),
        "exact_title_pixels_in_title_role": _share_summary(title_shares, title_converse),
        "mean_iou_with_true_role": {
            name: round(float(np.mean(values)), 4) if values else None
            for name, values in ious.items()
        },
    }
