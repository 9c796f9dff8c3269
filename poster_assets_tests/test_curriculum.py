"""Structural labels, curriculum schedules, auxiliary heads, and training with them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.ssl.augment import ViewSettings
from poster_assets.ssl.curriculum import stage_weights
from poster_assets.ssl.curriculum_labels import TASK_CLASSES, label_rows
from poster_assets.ssl.data import load_posters
from poster_assets.ssl.structured_heads import StructuredHeads
from poster_assets.ssl.train import TrainSettings, train_encoder


def test_label_rows_map_stored_structure_to_classes_with_0_for_unknown() -> None:
    rows = pd.DataFrame(
        {
            "poster_id": ["a", "b", "c"],
            "path": ["/a", "/b", "/c"],
            "placement_v": ["bottom", None, "top"],
            "placement_h": ["centre", None, "right"],
            "faces": [0, 1, 5],
            "mode_count": pd.array([1, None, 4], dtype="Int64"),  # DuckDB gives NA, not NaN
            "title_layer": [0.0, np.nan, 2.0],
        }
    )
    labels = label_rows(rows)
    assert labels["title_vertical"].tolist() == [3, 0, 1]
    assert labels["title_horizontal"].tolist() == [2, 0, 3]
    assert labels["face_count"].tolist() == [0, 1, 2]
    assert labels["depth_modes"].tolist() == [1, 0, 3]
    assert labels["title_layer_rank"].tolist() == [1, 0, 3]
    for task, names in TASK_CLASSES.items():
        assert labels[task].between(0, len(names) - 1).all()


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("simsiam", [(1, 0), (1, 0), (1, 0)]),
        ("joint", [(1, 1), (1, 1), (1, 1)]),
        ("structure_first", [(0, 1), (1, 1), (1, 0)]),
        ("simsiam_first", [(1, 0), (1, 1), (0, 1)]),
    ],
)
def test_schedules_weigh_the_losses_by_thirds(schedule: str, expected: list) -> None:
    assert [stage_weights(schedule, progress) for progress in (0.1, 0.5, 0.9)] == expected


def test_unknown_schedules_and_tasks_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown schedule"):
        stage_weights("backwards", 0.5)
    with pytest.raises(ValueError, match="unknown tasks"):
        StructuredHeads(8, ("colour_of_the_sky",))


def test_heads_give_one_logit_per_class() -> None:
    heads = StructuredHeads(16, tuple(TASK_CLASSES))
    logits = heads(torch.randn(5, 16))
    assert {task: tuple(value.shape) for task, value in logits.items()} == {
        task: (5, len(names)) for task, names in TASK_CLASSES.items()
    }


@pytest.fixture(scope="module")
def posters(tmp_path_factory: pytest.TempPathFactory) -> torch.Tensor:
    corpus: Path = tmp_path_factory.mktemp("curriculum_corpus")
    generate_demo_corpus(corpus, count=32, seed=6)
    return load_posters(sorted(str(path) for path in (corpus / "images").glob("*.jpg")))


def test_structure_first_training_learns_a_structural_label(posters: torch.Tensor) -> None:
    # A label the pixels decide: is the poster's top third brighter than its bottom third?
    brighter_top = posters[:, :, :64].mean(dim=(1, 2, 3)) > posters[:, :, -64:].mean(dim=(1, 2, 3))
    labels = {"title_vertical": brighter_top.long() + 1}
    settings = TrainSettings(
        epochs=9, batch_size=16, learning_rate=0.3, seed=2, views=ViewSettings(size=48),
        tasks=("title_vertical",), schedule="structure_first",
    )  # fmt: skip
    result = train_encoder(posters, settings, labels)
    structure = result.structure_losses
    assert len(structure) == 18
    assert np.mean(structure[9:12]) < 0.5 * np.mean(structure[:3])  # learnt in the first two thirds
    assert all(loss == 0.0 for loss in structure[12:])  # the last third is SimSiam only


def test_tasks_without_labels_are_refused(posters: torch.Tensor) -> None:
    with pytest.raises(ValueError, match="no labels for tasks"):
        train_encoder(posters, TrainSettings(tasks=("face_count",)), labels={})
