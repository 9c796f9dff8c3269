"""Auxiliary heads on the encoder's features: one classifier per curriculum label, the layer
a patch came from, and the poster's text vector (cross-modal alignment)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from poster_assets.ssl.curriculum_labels import TASK_CLASSES
from poster_assets.ssl.sampling import PATCH_ROLES
from poster_assets.ssl.text_features import TEXT_DIMENSIONS


class StructuredHeads(nn.Module):
    def __init__(self, feature_dim: int, tasks: tuple[str, ...]) -> None:
        super().__init__()
        unknown = set(tasks) - set(TASK_CLASSES)
        if unknown:
            raise ValueError(f"unknown tasks {sorted(unknown)}; known: {sorted(TASK_CLASSES)}")
        self.heads = nn.ModuleDict(
            {task: nn.Linear(feature_dim, len(TASK_CLASSES[task])) for task in tasks}
        )
        self.patch_layer = nn.Linear(feature_dim, len(PATCH_ROLES))
        self.text = nn.Linear(feature_dim, TEXT_DIMENSIONS)

    def forward(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        return {task: head(features) for task, head in self.heads.items()}

    def loss(self, features: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean cross-entropy over the label tasks."""
        logits = self(features)
        losses = [F.cross_entropy(logits[task], labels[task]) for task in logits]
        return torch.stack(losses).mean()

    def patch_loss(self, features: torch.Tensor, roles: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the layer role (PATCH_ROLES) each patch was sampled from."""
        return F.cross_entropy(self.patch_layer(features), roles)

    def text_loss(self, features: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """1 - cosine between the predicted and the poster's text vector."""
        return 1 - F.cosine_similarity(self.text(features), text, dim=-1).mean()
