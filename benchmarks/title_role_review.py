"""Sheets for judging the title role by eye, beside the automated title-role check.

The check (`evaluation/composition.line_box_text_pixels`) is a second reading of the title's
letters, and where it misreads them (two-coloured letters, a box that is mostly picture) a
poster fails however right its title role is. These sheets let a person judge both on a
random sample of a home's titled posters: for each, the title lines' region of the poster,
the stored title role (white) and the check's reading (white), numbered, with the automated
share printed. Draw the sample from a home of the split being reported.

    python benchmarks/title_role_review.py HOME OUT_DIR [--n 60] [--seed 18]

Writes OUT_DIR/sheet_NN.png (ten posters a sheet) and OUT_DIR/sample.json (number, file,
title, automated share, whether the automated check passes); the judgements go in
docs/measurements.md ("Composition").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from poster_assets.evaluation.composition import (
    TITLE_PIXELS_INSIDE,
    line_box_text_pixels,
)
from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.stages.ocr import title_line_reader
from poster_assets.stages.stored import poster_pictures, title_line_texts, title_quadrilaterals
from poster_assets.store.evaluation_reads import poster_files, poster_sizes
from poster_assets.store.opening import open_database
from poster_assets.store.stages import StoredRows, load_role_maps, rows_for_posters
from poster_assets.vision import composition

PANEL_WIDTH = 300
MAX_PANEL_HEIGHT = 160
PER_SHEET = 10
MARGIN_PX = 4


def _panel_row(rgb: np.ndarray, role: np.ndarray, text: np.ndarray, box: tuple) -> np.ndarray:
    """The region, the role and the reading side by side, each PANEL_WIDTH wide at most."""
    x0, y0, x1, y1 = box
    crop = rgb[y0:y1, x0:x1]
    scale = min(PANEL_WIDTH / crop.shape[1], MAX_PANEL_HEIGHT / crop.shape[0])
    size = (max(int(crop.shape[1] * scale), 1), max(int(crop.shape[0] * scale), 1))
    panels = [cv2.resize(crop, size, interpolation=cv2.INTER_AREA)]
    for mask in (role, text):
        white = (np.repeat(mask[y0:y1, x0:x1, None], 3, axis=2) * 255).astype(np.uint8)
        panels.append(cv2.resize(white, size, interpolation=cv2.INTER_NEAREST))
    gap = np.full((size[1], 6, 3), (255, 0, 0), np.uint8)
    return np.hstack([panels[0], gap, panels[1], gap, panels[2]])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    home = PosterHome(args.home)
    db = open_database(home)
    files = {poster_id: name for poster_id, name, _ in poster_files(db)}
    titles = rows_for_posters(db, "titles", list(poster_sizes(db)))
    titles = titles[titles["title_text"] != ""]
    titles = titles.sample(min(args.n, len(titles)), random_state=args.seed)
    ids = list(titles["poster_id"])
    maps = load_role_maps(db, ids)
    lines = rows_for_posters(db, "ocr_lines", ids)
    pictures = poster_pictures(StoredRows(db, PosterCopies(home.poster_copies_dir)), ids)
    args.out.mkdir(parents=True, exist_ok=True)
    read = title_line_reader()
    rows, sample = [], []
    for title in titles.itertuples():
        if title.poster_id not in maps:
            continue
        rgb = pictures[title.poster_id]
        own_lines = lines[lines["poster_id"] == title.poster_id]
        quadrilaterals = title_quadrilaterals(own_lines, title.line_indices)
        texts = title_line_texts(own_lines, title.line_indices)
        text = line_box_text_pixels(rgb, quadrilaterals, texts, read)
        role = maps[title.poster_id] == composition.TITLE_TEXT
        corners = np.concatenate(quadrilaterals)
        height, width = rgb.shape[:2]
        x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - MARGIN_PX, 0)
        x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + MARGIN_PX, (width, height))
        share = float((text & role).sum() / text.sum()) if text.any() else None
        number = len(sample)
        row = _panel_row(rgb, role, text, (x0, y0, x1, y1))
        label = np.full((18, row.shape[1], 3), 255, np.uint8)
        shown = "none" if share is None else f"{share:.2f}"
        caption = f"{number}: {title.title_text[:40]}  share {shown}"
        cv2.putText(label, caption, (2, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
        rows.append(np.vstack([label, row, np.full((8, row.shape[1], 3), 255, np.uint8)]))
        sample.append(
            {
                "number": number,
                "file": files[title.poster_id],
                "title": title.title_text,
                "automated_share": share,
                "automated_pass": share is not None and share >= TITLE_PIXELS_INSIDE,
            }
        )
    for start in range(0, len(rows), PER_SHEET):
        group = rows[start : start + PER_SHEET]
        wide = max(row.shape[1] for row in group)
        padded = [
            np.pad(row, ((0, 0), (0, wide - row.shape[1]), (0, 0)), constant_values=255)
            for row in group
        ]
        sheet = np.vstack(padded)
        cv2.imwrite(str(args.out / f"sheet_{start // PER_SHEET:02d}.png"), sheet[:, :, ::-1])
    (args.out / "sample.json").write_text(json.dumps(sample, indent=1))
    passing = float(np.mean([entry["automated_pass"] for entry in sample]))
    print(json.dumps({"posters": len(sample), "automated_passing": round(passing, 4)}))


if __name__ == "__main__":
    main()
