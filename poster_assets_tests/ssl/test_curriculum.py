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
from poster_assets.ssl.targets import TrainingTargets
from poster_assets.ssl.task_names import AUXILIARY_TASKS
from poster_assets.ssl.text_features import TEXT_DIMENSIONS
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


def _targets(count: int, labels: dict[str, torch.Tensor] | None = None) -> TrainingTargets:
    """Training sets for `count` posters: a fixed view pair, one patch per poster (its top
    quarter, role background), one salient crop (the centre), and a text vector that depends
    on the poster's row."""
    view_boxes = torch.tensor([[0.0, 0.0, 0.8, 0.8], [0.2, 0.2, 1.0, 1.0]]).expand(count, 1, 2, 4)
    text = torch.zeros(count, TEXT_DIMENSIONS)
    text[torch.arange(count), torch.arange(count) % 4] = 1.0
    return TrainingTargets(
        view_boxes=view_boxes.clone(),
        has_views=torch.ones(count, dtype=torch.bool),
        patch_boxes=torch.tensor([[[0.0, 0.0, 1.0, 0.25]]]).expand(count, 1, 4).clone(),
        patch_roles=torch.zeros(count, 1, dtype=torch.long),
        salient_boxes=torch.tensor([[[0.25, 0.25, 0.75, 0.75]]]).expand(count, 1, 4).clone(),
        has_salient=torch.ones(count, 1, dtype=torch.bool),
        text=text,
        has_text=torch.ones(count, dtype=torch.bool),
        labels=labels or {task: torch.zeros(count, dtype=torch.long) for task in TASK_CLASSES},
    )


def test_structure_first_training_learns_a_structural_label(posters: torch.Tensor) -> None:
    # A label the pixels decide: is the poster's top third brighter than its bottom third?
    brighter_top = posters[:, :, :64].mean(dim=(1, 2, 3)) > posters[:, :, -64:].mean(dim=(1, 2, 3))
    labels = {"title_vertical": brighter_top.long() + 1}
    settings = TrainSettings(
        epochs=9, batch_size=16, learning_rate=0.3, seed=2, views=ViewSettings(size=48),
        tasks=("labels",), label_tasks=("title_vertical",), schedule="structure_first",
    )  # fmt: skip
    result = train_encoder(posters, settings, _targets(len(posters), labels))
    structure = result.task_losses["labels"]
    assert len(structure) == 18
    assert np.mean(structure[9:12]) < 0.5 * np.mean(structure[:3])  # learnt in the first two thirds
    assert all(np.isnan(loss) for loss in structure[12:])  # the last third is SimSiam only
    assert all(np.isnan(loss) for loss in result.simsiam_losses[:6])  # the first, structure only


@pytest.mark.parametrize("task", AUXILIARY_TASKS)
def test_each_auxiliary_task_trains_and_lowers_its_loss(posters: torch.Tensor, task: str) -> None:
    settings = TrainSettings(
        epochs=6, batch_size=16, learning_rate=0.3, seed=1, views=ViewSettings(size=32),
        tasks=(task,), schedule="joint",
    )  # fmt: skip
    losses = train_encoder(posters, settings, _targets(len(posters))).task_losses[task]
    assert len(losses) == 12 and not np.isnan(losses).any()
    assert np.mean(losses[-3:]) < np.mean(losses[:3])


def test_subject_views_use_the_stored_pairs(posters: torch.Tensor) -> None:
    targets = _targets(len(posters))
    first, second, stored = targets.views_at(torch.arange(4), epoch=3)
    assert stored.all()
    assert torch.equal(first[0], torch.tensor([0.0, 0.0, 0.8, 0.8]))
    assert torch.equal(second[0], torch.tensor([0.2, 0.2, 1.0, 1.0]))
    settings = TrainSettings(
        epochs=1, batch_size=16, views=ViewSettings(size=32), tasks=("subject_views",)
    )
    result = train_encoder(posters, settings, targets)
    assert len(result.losses) == 2 and result.task_losses == {}


def test_sampling_picks_only_valid_patches_and_crops() -> None:
    targets = _targets(3)
    roles = torch.tensor([[-1, 2], [1, -1], [-1, -1]])
    boxes = torch.arange(24, dtype=torch.float).view(3, 2, 4)
    targets = TrainingTargets(**{**targets.__dict__, "patch_boxes": boxes, "patch_roles": roles})
    generator = torch.Generator().manual_seed(0)
    for _ in range(10):
        picked, picked_roles, found = targets.sample_patches(torch.arange(3), generator)
        assert found.tolist() == [True, True, False]
        assert picked_roles[:2].tolist() == [2, 1]
        assert torch.equal(picked[0], boxes[0, 1]) and torch.equal(picked[1], boxes[1, 0])
    subset = targets.subset([2, 0])
    assert subset.patch_roles.tolist() == [[-1, -1], [-1, 2]]


def test_tasks_without_training_sets_are_refused(posters: torch.Tensor) -> None:
    with pytest.raises(ValueError, match="need the training sets"):
        train_encoder(posters, TrainSettings(tasks=("labels",)))
    with pytest.raises(ValueError, match="unknown tasks"):
        TrainSettings(tasks=("colour_of_the_sky",))
