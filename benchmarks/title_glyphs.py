"""The title glyphs the `layers` stage makes with the code checked out, recomputed from a
home's stored OCR lines and titles (seconds, where `eval layers` reruns the whole graph), and
judged by the title-role check (`evaluation/composition.line_box_text_pixels`) and by its
reading before 2026-12-04 (Otsu in grey over the box around all the title's lines); with
`--corpus`, against a generated corpus's exact title pixels. Compare rules by running it on
two commits; choose on training posters and generated corpora, never the test split.

    poster-assets eval layers ../shared/data/posters --split train --limit 400 --home H ...
    python benchmarks/title_glyphs.py H [--corpus GENERATED_DIR] [--exclude-home OTHER_H]

Prints JSON: titled posters, the share passing each check (>= 80 % of its text pixels in
the title glyphs), the median share of the glyphs the check reads as text (a rule that only
grows the glyphs raises the first and lowers this), and with --corpus the mean IoU with the
exact title pixels and the share of posters with >= 80 % of them in the glyphs.
`--exclude-home` leaves out the files another home holds (posters already looked at while
choosing).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from poster_assets.demo.generator import LAYER_TITLE
from poster_assets.evaluation.composition import (
    TITLE_PIXELS_INSIDE,
    line_box_text_pixels,
)
from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.stages.layers import title_glyph_row
from poster_assets.stages.ocr import title_line_reader
from poster_assets.stages.stored import poster_pictures, title_line_texts, title_quadrilaterals
from poster_assets.store.evaluation_reads import poster_files, poster_sizes
from poster_assets.store.opening import open_database
from poster_assets.store.stages import StoredRows, rows_for_posters
from poster_assets.vision.masks import iou
from poster_assets.vision.text_pixels import polygons_mask


def union_box_grey_text(rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The check's reading before 2026-12-04: in the box around all the title's lines, Otsu's
    grey class that is less of the box's one-pixel rim."""
    height, width = rgb.shape[:2]
    x0, y0 = max(int(box[0]), 0), max(int(box[1]), 0)
    x1, y1 = min(int(np.ceil(box[2])), width), min(int(np.ceil(box[3])), height)
    text = np.zeros((height, width), bool)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return text
    grey = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    _, light = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light = light.astype(bool)
    rim = np.concatenate([light[0], light[-1], light[:, 0], light[:, -1]])
    text[y0:y1, x0:x1] = ~light if rim.mean() > 0.5 else light
    return text


def _share_inside(text: np.ndarray, glyphs: np.ndarray) -> float | None:
    return float((text & glyphs).sum() / text.sum()) if text.any() else None


def _passing(shares: list[float | None]) -> float | None:
    known = [share for share in shares if share is not None]
    return round(float(np.mean(np.asarray(known) >= TITLE_PIXELS_INSIDE)), 4) if known else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--corpus", type=Path, help="the generated corpus the home ingested")
    parser.add_argument("--exclude-home", type=Path, help="leave out the files this home holds")
    args = parser.parse_args()
    home = PosterHome(args.home)
    db = open_database(home)
    files = {poster_id: name for poster_id, name, _ in poster_files(db)}
    excluded: set[str] = set()
    if args.exclude_home:
        excluded = {
            name for _, name, _ in poster_files(open_database(PosterHome(args.exclude_home)))
        }
    titles = rows_for_posters(db, "titles", list(poster_sizes(db)))
    titles = titles[(titles["title_text"] != "") & ~titles["poster_id"].map(files).isin(excluded)]
    lines = rows_for_posters(db, "ocr_lines", list(titles["poster_id"]))
    pictures = poster_pictures(
        StoredRows(db, PosterCopies(home.poster_copies_dir)), list(titles["poster_id"])
    )
    truths = {}
    if args.corpus:
        for truth in map(json.loads, (args.corpus / "ground_truth.jsonl").open()):
            layers = args.corpus / "layers" / (Path(truth["image"]).stem + ".png")
            truths[truth["image"]] = cv2.imread(str(layers), cv2.IMREAD_UNCHANGED) == LAYER_TITLE
    read = title_line_reader()
    checks: dict[str, list[float | None]] = {"check": [], "check_before_2026_12_04": []}
    exact_ious, exact_shares, read_as_text = [], [], []
    for title in titles.itertuples():
        rgb = pictures[title.poster_id]
        own_lines = lines[lines["poster_id"] == title.poster_id]
        row = title_glyph_row(rgb, own_lines, titles[titles["poster_id"] == title.poster_id], read)
        glyphs = row[0] if row else np.zeros(rgb.shape[:2], bool)
        quadrilaterals = title_quadrilaterals(own_lines, title.line_indices)
        texts = title_line_texts(own_lines, title.line_indices)
        reading = line_box_text_pixels(rgb, quadrilaterals, texts, read)
        checks["check"].append(_share_inside(reading, glyphs))
        if reading.any():
            read_as_text.append(
                _share_inside(glyphs & polygons_mask(rgb.shape[:2], quadrilaterals), reading) or 0.0
            )
        box = (title.x0, title.y0, title.x1, title.y1)
        checks["check_before_2026_12_04"].append(
            _share_inside(union_box_grey_text(rgb, box), glyphs)
        )
        truth = truths.get(files[title.poster_id])
        if truth is not None:
            truth = cv2.resize(
                truth.astype(np.uint8),
                (rgb.shape[1], rgb.shape[0]),
                interpolation=cv2.INTER_NEAREST,
            ).astype(bool)
            exact_ious.append(iou(glyphs, truth))
            exact_shares.append(_share_inside(truth, glyphs))
    report = {
        "home": str(args.home),
        "titled_posters": len(titles),
        **{f"{name}_passing": _passing(shares) for name, shares in checks.items()},
        "glyphs_read_as_text_median": (
            round(float(np.median(read_as_text)), 4) if read_as_text else None
        ),
    }
    if truths:
        report["exact_title_iou"] = round(float(np.mean(exact_ious)), 4) if exact_ious else None
        report["exact_pixels_passing"] = _passing(exact_shares)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
