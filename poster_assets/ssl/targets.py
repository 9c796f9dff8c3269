"""The stored training sets as tensors aligned with a list of posters, and per-step sampling
from them (one view pair, patch or salient crop per poster)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from poster_assets.ssl.curriculum_labels import TASK_CLASSES
from poster_assets.ssl.sampling import PATCH_ROLES
from poster_assets.ssl.text_features import TEXT_DIMENSIONS


@dataclass(frozen=True)
class TrainingTargets:
    """Per poster (first axis): `view_boxes` (N, K, 2, 4) with `has_views`; `patch_boxes`
    (N, P, 4) with `patch_roles` (N, P), -1 where there is no patch; `salient_boxes` (N, S, 4)
    with `has_salient` (N, S); `text` (N, D) with `has_text`; `labels` task -> (N,)."""

    view_boxes: torch.Tensor
    has_views: torch.Tensor
    patch_boxes: torch.Tensor
    patch_roles: torch.Tensor
    salient_boxes: torch.Tensor
    has_salient: torch.Tensor
    text: torch.Tensor
    has_text: torch.Tensor
    labels: dict[str, torch.Tensor]

    def __len__(self) -> int:
        return self.view_boxes.shape[0]

    def subset(self, indices: Sequence[int]) -> TrainingTargets:
        index = torch.as_tensor(list(indices), dtype=torch.long)
        fields = {
            name: getattr(self, name)[index]
            for name in self.__dataclass_fields__
            if name != "labels"
        }
        return TrainingTargets(
            **fields, labels={task: values[index] for task, values in self.labels.items()}
        )

    def views_at(
        self, rows: torch.Tensor, epoch: int
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(boxes of view 1, boxes of view 2, which rows have stored pairs) at this epoch."""
        pair = epoch % max(self.view_boxes.shape[1], 1)
        boxes = self.view_boxes[rows, pair]
        return boxes[:, 0], boxes[:, 1], self.has_views[rows]

    def sample_patches(
        self, rows: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One random patch per row: (boxes, roles, which rows have one)."""
        if self.patch_roles.shape[1] == 0:
            none = torch.zeros(len(rows), dtype=torch.bool)
            return torch.zeros(len(rows), 4), torch.zeros(len(rows), dtype=torch.long), none
        valid = self.patch_roles[rows] >= 0
        choice = _pick(valid, generator)
        picked = torch.arange(len(rows))
        return (
            self.patch_boxes[rows][picked, choice],
            self.patch_roles[rows][picked, choice],
            valid.any(dim=1),
        )

    def sample_salient(
        self, rows: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """One random salient crop per row: (boxes, which rows have one)."""
        if self.has_salient.shape[1] == 0:
            return torch.zeros(len(rows), 4), torch.zeros(len(rows), dtype=torch.bool)
        valid = self.has_salient[rows]
        choice = _pick(valid, generator)
        return self.salient_boxes[rows][torch.arange(len(rows)), choice], valid.any(dim=1)


def _pick(valid: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A uniformly random valid column per row (column 0 for rows with none)."""
    weights = valid.float() + (~valid.any(dim=1, keepdim=True)).float()
    return torch.multinomial(weights, 1, generator=generator).squeeze(1)


def _padded(
    rows: pd.DataFrame, order: dict[str, int], values: list, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Scatter per-row values into (N, max per poster, width) with a validity mask."""
    count = int(rows.groupby("poster_id").size().max()) if len(rows) else 0
    out = np.zeros((len(order), count, width), np.float32)
    valid = np.zeros((len(order), count), bool)
    slot = rows.groupby("poster_id").cumcount().to_numpy() if len(rows) else []
    for poster_id, column, value in zip(rows["poster_id"], slot, values, strict=True):
        if poster_id in order:
            out[order[poster_id], column] = value
            valid[order[poster_id], column] = True
    return out, valid


def targets_from_sets(
    sets: Mapping[str, pd.DataFrame], poster_ids: Sequence[str]
) -> TrainingTargets:
    """The five training-set tables' rows (by table name), aligned with `poster_ids` (posters
    missing from a set get no targets from it)."""
    order = {poster_id: row for row, poster_id in enumerate(poster_ids)}
    count = len(order)

    pairs = sets["ssl_view_pairs"].sort_values(["poster_id", "pair_index"])
    pair_values = [np.stack([a, b]) for a, b in zip(pairs["box_a"], pairs["box_b"], strict=True)]
    flat, has_pair = _padded(pairs, order, [v.ravel() for v in pair_values], 8)
    view_boxes = flat.reshape(count, flat.shape[1], 2, 4)

    patches = sets["ssl_layer_patches"].sort_values(["poster_id", "patch_index"])
    patch_boxes, has_patch = _padded(patches, order, [np.asarray(b) for b in patches["box"]], 4)
    role_values = [[PATCH_ROLES.index(r)] for r in patches["role"]]
    roles, _ = _padded(patches, order, role_values, 1)
    patch_roles = np.where(has_patch, roles[..., 0], -1).astype(np.int64)

    crops = sets["ssl_salient_crops"].sort_values(["poster_id", "crop_index"])
    salient_boxes, has_salient = _padded(crops, order, [np.asarray(b) for b in crops["box"]], 4)

    texts = sets["ssl_text_pairs"]
    text = np.zeros((count, TEXT_DIMENSIONS), np.float32)
    has_text = np.zeros(count, bool)
    for poster_id, vector in zip(texts["poster_id"], texts["vector"], strict=True):
        if poster_id in order:
            text[order[poster_id]] = vector
            has_text[order[poster_id]] = True

    stored = sets["ssl_labels"].set_index("poster_id").reindex(list(order))
    labels = {
        task: torch.tensor(stored[task].fillna(0).astype(np.int64).to_numpy())
        for task in TASK_CLASSES
    }
    return TrainingTargets(
        view_boxes=torch.from_numpy(view_boxes),
        has_views=torch.from_numpy(
            has_pair.any(axis=1) if has_pair.size else np.zeros(count, bool)
        ),
        patch_boxes=torch.from_numpy(patch_boxes),
        patch_roles=torch.from_numpy(patch_roles),
        salient_boxes=torch.from_numpy(salient_boxes),
        has_salient=torch.from_numpy(has_salient),
        text=torch.from_numpy(text),
        has_text=torch.from_numpy(has_text),
        labels=labels,
    )
