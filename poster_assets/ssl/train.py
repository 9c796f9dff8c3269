"""Seeded pretraining on a tensor of posters: SimSiam on two fresh augmented views per poster
per step, plus (optionally) structural auxiliary heads on the whole poster, weighted by a
curriculum schedule. SGD with momentum and a cosine learning rate; every step's losses kept."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from tqdm import tqdm

from poster_assets.ssl.augment import ViewSettings, crop_and_resize, poster_views
from poster_assets.ssl.curriculum import stage_weights
from poster_assets.ssl.simsiam import SimSiam, simsiam_loss
from poster_assets.ssl.structured_heads import StructuredHeads

WHOLE_POSTER = torch.tensor([[0.0, 0.0, 1.0, 1.0]])


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 0.05  # at batch size 256, scaled linearly as in the paper
    weight_decay: float = 1e-4
    seed: int = 0
    views: ViewSettings = field(default_factory=ViewSettings)
    tasks: tuple[str, ...] = ()  # structural tasks (curriculum_labels.TASK_CLASSES)
    schedule: str = "simsiam"  # curriculum.SCHEDULES


@dataclass
class TrainResult:
    model: SimSiam
    heads: StructuredHeads
    losses: list[float]  # weighted total, one per step
    simsiam_losses: list[float]
    structure_losses: list[float]  # 0.0 where the schedule gave structure no weight


def train_encoder(
    posters: torch.Tensor,
    settings: TrainSettings,
    labels: dict[str, torch.Tensor] | None = None,
    show_progress: bool = False,
) -> TrainResult:
    """`posters`: (N, 3, H, W) float in [0, 1]; `labels`: task -> (N,) class indices, needed
    for `settings.tasks`. Same seed, same data: same weights."""
    missing = set(settings.tasks) - set(labels or {})
    if missing:
        raise ValueError(f"no labels for tasks {sorted(missing)}")
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    model = SimSiam()
    heads = StructuredHeads(model.encoder.feature_dim, settings.tasks)
    learning_rate = settings.learning_rate * settings.batch_size / 256
    optimizer = torch.optim.SGD(
        [*model.parameters(), *heads.parameters()],
        lr=learning_rate,
        momentum=0.9,
        weight_decay=settings.weight_decay,
    )
    steps_per_epoch = max(1, posters.shape[0] // settings.batch_size)
    total_steps = settings.epochs * steps_per_epoch
    result = TrainResult(model, heads, [], [], [])
    model.train()
    heads.train()
    with tqdm(total=total_steps, desc="pretrain", disable=not show_progress) as progress:
        for _ in range(settings.epochs):
            order = torch.randperm(posters.shape[0], generator=generator)
            for step in range(steps_per_epoch):
                done = len(result.losses) / total_steps
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate * 0.5 * (1 + math.cos(math.pi * done))
                rows = order[step * settings.batch_size : (step + 1) * settings.batch_size]
                simsiam_weight, structure_weight = stage_weights(settings.schedule, done)
                if not settings.tasks:
                    structure_weight = 0.0
                batch = posters[rows]
                ssl = simsiam_loss(
                    *model(
                        poster_views(batch, settings.views, generator),
                        poster_views(batch, settings.views, generator),
                    )
                )
                structure = torch.zeros(())
                if structure_weight > 0:
                    whole = crop_and_resize(
                        batch, WHOLE_POSTER.expand(len(rows), 4), settings.views.size
                    )
                    batch_labels = {task: labels[task][rows] for task in settings.tasks}
                    structure = heads.loss(model.encoder(whole), batch_labels)
                loss = simsiam_weight * ssl + structure_weight * structure
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                result.losses.append(loss.item())
                result.simsiam_losses.append(ssl.item())
                result.structure_losses.append(structure.item())
                progress.update(1)
                progress.set_postfix(loss=f"{result.losses[-1]:.3f}")
    model.eval()
    heads.eval()
    return result
