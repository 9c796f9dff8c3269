"""Seeded SimSiam training on a tensor of posters: SGD with momentum and a cosine learning
rate, two fresh augmented views per poster per step, the loss of every step kept."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from tqdm import tqdm

from poster_assets.ssl.augment import ViewSettings, poster_views
from poster_assets.ssl.simsiam import SimSiam, simsiam_loss


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 0.05  # at batch size 256, scaled linearly as in the paper
    weight_decay: float = 1e-4
    seed: int = 0
    views: ViewSettings = field(default_factory=ViewSettings)


@dataclass
class TrainResult:
    model: SimSiam
    losses: list[float]  # one per step


def train_simsiam(
    posters: torch.Tensor, settings: TrainSettings, show_progress: bool = False
) -> TrainResult:
    """`posters`: (N, 3, H, W) float in [0, 1]. Same seed, same data: same weights."""
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    model = SimSiam()
    learning_rate = settings.learning_rate * settings.batch_size / 256
    optimizer = torch.optim.SGD(
        model.parameters(), lr=learning_rate, momentum=0.9, weight_decay=settings.weight_decay
    )
    steps_per_epoch = max(1, posters.shape[0] // settings.batch_size)
    total_steps = settings.epochs * steps_per_epoch
    losses: list[float] = []
    model.train()
    with tqdm(total=total_steps, desc="simsiam", disable=not show_progress) as progress:
        for _ in range(settings.epochs):
            order = torch.randperm(posters.shape[0], generator=generator)
            for step in range(steps_per_epoch):
                batch = posters[
                    order[step * settings.batch_size : (step + 1) * settings.batch_size]
                ]
                for group in optimizer.param_groups:
                    group["lr"] = (
                        learning_rate * 0.5 * (1 + math.cos(math.pi * len(losses) / total_steps))
                    )
                view1 = poster_views(batch, settings.views, generator)
                view2 = poster_views(batch, settings.views, generator)
                loss = simsiam_loss(*model(view1, view2))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                progress.update(1)
                progress.set_postfix(loss=f"{losses[-1]:.3f}")
    return TrainResult(model.eval(), losses)
