"""Shot-boundary accuracy on generated trailers (`video/generated.py`) made from a corpus's
posters: F1, precision and recall of the cuts found, against the cuts written."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np

from poster_assets.corpus.discovery import list_image_files
from poster_assets.video.generated import write_trailer
from poster_assets.video.reading import read_frames
from poster_assets.video.shots import (
    boundary_f1,
    change_scores,
    find_cuts,
    frame_signature,
    matched_cuts,
)


def shot_report(images_dir: Path, trailers: int = 40, seed: int = 0) -> dict[str, object]:
    """Generate `trailers` trailers (5 to 10 shots, each over posters of `images_dir`, one a
    title card) and score the cuts found in each."""
    paths = [entry.path for entry in list_image_files(images_dir).files]
    rng = np.random.default_rng(seed)
    f1s: list[float] = []
    totals = np.zeros(3, dtype=int)
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(trailers):
            chosen = rng.choice(len(paths), size=min(len(paths), 6), replace=False)
            images = [cv2.imread(paths[int(i)]) for i in chosen]
            trailer = write_trailer(
                Path(scratch) / f"{index}.mp4", images, "THE TITLE", seed + index,
                shots=int(rng.integers(5, 11)),
            )  # fmt: skip
            scores = change_scores(frame_signature(f) for _, f in read_frames(str(trailer.path)))
            found = find_cuts(scores)
            f1s.append(boundary_f1(found, trailer.cuts))
            totals += (matched_cuts(found, trailer.cuts), len(found), len(trailer.cuts))
    hits, found_total, true_total = (int(value) for value in totals)
    return {
        "trailers": trailers,
        "true_cuts": true_total,
        "found_cuts": found_total,
        "precision": round(hits / max(1, found_total), 4),
        "recall": round(hits / max(1, true_total), 4),
        "f1_mean": round(float(np.mean(f1s)), 4),
        "f1_min": round(float(np.min(f1s)), 4),
        "tolerance_frames": 1,
    }
