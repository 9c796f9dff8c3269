from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from PIL import Image

from poster_assets.demo.generator import (
    HEIGHT,
    LAYER_SUBJECT,
    LAYER_TITLE,
    WIDTH,
    generate_demo_corpus,
)
from poster_assets.vision.placement import placement_of_box


def test_ground_truth_matches_the_pixels(demo_corpus: Path) -> None:
    truths = [json.loads(line) for line in (demo_corpus / "ground_truth.jsonl").open()]
    assert len(truths) == 8
    for truth in truths:
        image = Image.open(demo_corpus / "images" / truth["image"])
        assert image.size == (WIDTH, HEIGHT)
        layers = np.asarray(
            Image.open(demo_corpus / "layers" / truth["image"].replace(".jpg", ".png"))
        )
        ys, xs = np.nonzero(layers == LAYER_TITLE)
        assert [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1] == truth["title_box"]
        assert (layers == LAYER_SUBJECT).mean() > 0.05
        placement = placement_of_box(truth["title_box"], WIDTH, HEIGHT)
        assert (placement.vertical, placement.horizontal) == (
            truth["placement_v"],
            truth["placement_h"],
        )
        assert truth["title"] and truth["title"] == truth["title"].upper()


def test_labels_csv_has_the_shared_corpus_layout(demo_corpus: Path) -> None:
    with (demo_corpus / "labels.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["imdb_id", "image", "title", "year", "genres"]
    assert all((demo_corpus / row["image"]).exists() for row in rows)  # images/NAME.jpg


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = generate_demo_corpus(tmp_path / "a", count=3, seed=11)
    second = generate_demo_corpus(tmp_path / "b", count=3, seed=11)
    assert first == second
    assert (tmp_path / "a/images/demo0002.jpg").read_bytes() == (
        tmp_path / "b/images/demo0002.jpg"
    ).read_bytes()
