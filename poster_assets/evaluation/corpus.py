"""A labelled corpus in the shared layout, and its fixed train/test split."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

from poster_assets.corpus.metadata import read_csv_text


def is_test_poster(imdb_id: str) -> bool:
    """The fixed split: a poster is in the test set when sha1(imdb_id) % 10 < 3."""
    return int(hashlib.sha1(imdb_id.encode()).hexdigest(), 16) % 10 < 3


def read_labels(corpus_dir: Path, limit: int | None = None) -> pd.DataFrame:
    """labels.csv with `file_name` (for joining on ingested paths) and `is_test` added.
    With `limit`, the first rows in imdb_id order (a fixed subset)."""
    labels = read_csv_text(corpus_dir / "labels.csv", required=("imdb_id", "image", "title"))
    labels = labels.sort_values("imdb_id").reset_index(drop=True)
    if limit is not None:
        labels = labels.head(limit)
    labels["file_name"] = labels["image"].map(os.path.basename)
    labels["is_test"] = labels["imdb_id"].map(is_test_poster)
    return labels


def link_subset(corpus_dir: Path, labels: pd.DataFrame, target: Path) -> Path:
    """A folder of symlinks to just these labelled images, for evaluating a subset."""
    target.mkdir(parents=True, exist_ok=True)
    for image in labels["image"]:
        link = target / os.path.basename(image)
        if not link.exists():
            link.symlink_to((corpus_dir / image).resolve())
    return target
