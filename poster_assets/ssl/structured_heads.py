"""Auxiliary classification heads on the encoder's features, one per structural task."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from poster_assets.ssl.curriculum_labels import TASK_CLASSES


class StructuredHeads(nn.Module):
    def __init__(self, feature_dim: int, tasks: tuple[str, ...]) -> None:
        super().__init__()
        unknown = set(tasks) - set(TASK_CLASSES)
        if unknown:
            raise ValueError(f"unknown tasks {sorted(unknown)}; known: {sorted(TASK_CLASSES)}")
        self.heads = nn.ModuleDict(
            {task: nn.Linear(feature_dim, len(TASK_CLASSES[task])) for task in tasks}
        )

    def forward(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        return {task: head(features) for task, head in self.heads.items()}

    def loss(self, features: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean cross-entropy over the tasks."""
        logits = self(features)
        losses = [F.cross_entropy(logits[task], labels[task]) for task in logits]
        return torch.stack(losses).mean()
