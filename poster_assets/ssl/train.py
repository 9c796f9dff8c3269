"""Seeded pretraining on a tensor of posters: SimSiam on two augmented views per poster per
step, plus the structured tasks built from the store, weighted by a curriculum schedule.

Tasks (`TASKS`):
- `subject_views`: SimSiam's two views are the stored crop pairs that keep the subject,
  instead of unconstrained random crops (same compute);
- `labels`: classify the curriculum labels (title placement, faces, depth modes, title layer)
  from the whole poster;
- `layer_patches`: classify which layer (background / foreground / title) a patch came from;
- `salient_crops`: a crop around a face, object or the foreground and the whole poster are a
  SimSiam pair (the poster should "contain" its subject);
- `text_image`: predict the poster's OCR text vector (hashed character n-grams) from pixels.
SGD with momentum and a cosine learning rate; every step's losses kept."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from tqdm import tqdm

from poster_assets.ssl.augment import (
    ViewSettings,
    colour_jitter,
    crop_and_resize,
    poster_views,
    random_crop_boxes,
)
from poster_assets.ssl.backbones import build_backbone
from poster_assets.ssl.curriculum import stage_weights
from poster_assets.ssl.curriculum_labels import TASK_CLASSES
from poster_assets.ssl.simsiam import SimSiam, simsiam_loss
from poster_assets.ssl.structured_heads import StructuredHeads
from poster_assets.ssl.targets import TrainingTargets
from poster_assets.ssl.task_names import AUXILIARY_TASKS, TASKS

WHOLE_POSTER = torch.tensor([[0.0, 0.0, 1.0, 1.0]])


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 0.05  # at batch size 256, scaled linearly as in the paper
    weight_decay: float = 1e-4
    seed: int = 0
    views: ViewSettings = field(default_factory=ViewSettings)
    tasks: tuple[str, ...] = ()  # of TASKS
    label_tasks: tuple[str, ...] = tuple(TASK_CLASSES)  # heads trained by the `labels` task
    schedule: str = "simsiam"  # curriculum.SCHEDULES
    backbone: str = "small-resnet"  # backbones.BACKBONES

    def __post_init__(self) -> None:
        unknown = set(self.tasks) - set(TASKS)
        if unknown:
            raise ValueError(f"unknown tasks {sorted(unknown)}; known: {', '.join(TASKS)}")


@dataclass
class TrainResult:
    model: SimSiam
    heads: StructuredHeads
    losses: list[float]  # weighted total, one per step
    simsiam_losses: list[float]  # NaN where SimSiam had no weight
    task_losses: dict[str, list[float]]  # per auxiliary task; NaN where it had no weight
    seconds: float = 0.0


def _auxiliary_losses(
    tasks: tuple[str, ...],
    model: SimSiam,
    heads: StructuredHeads,
    batch: torch.Tensor,
    rows: torch.Tensor,
    targets: TrainingTargets,
    settings: TrainSettings,
    generator: torch.Generator,
) -> dict[str, torch.Tensor]:
    """The loss of each auxiliary task on this batch (a task with < 2 usable posters in the
    batch is left out: batch norm needs two)."""
    losses: dict[str, torch.Tensor] = {}
    size = settings.views.size
    whole_features = None
    if {"labels", "salient_crops", "text_image"} & set(tasks):
        whole = crop_and_resize(batch, WHOLE_POSTER.expand(len(rows), 4), size)
        whole_features = model.encoder(whole)
    if "labels" in tasks:
        labels = {task: targets.labels[task][rows] for task in settings.label_tasks}
        losses["labels"] = heads.loss(whole_features, labels)
    if "text_image" in tasks:
        has_text = targets.has_text[rows]
        if has_text.sum() >= 2:
            text = targets.text[rows][has_text]
            losses["text_image"] = heads.text_loss(whole_features[has_text], text)
    if "layer_patches" in tasks:
        boxes, roles, found = targets.sample_patches(rows, generator)
        if found.sum() >= 2:
            patches = crop_and_resize(batch[found], boxes[found], max(size // 2, 16))
            losses["layer_patches"] = heads.patch_loss(model.encoder(patches), roles[found])
    if "salient_crops" in tasks:
        boxes, found = targets.sample_salient(rows, generator)
        if found.sum() >= 2:
            crops = colour_jitter(
                crop_and_resize(batch[found], boxes[found], size), settings.views, generator
            )
            z_crop = model.projector(model.encoder(crops))
            z_whole = model.projector(whole_features[found])
            losses["salient_crops"] = simsiam_loss(
                model.predictor(z_crop), model.predictor(z_whole), z_crop, z_whole
            )
    return losses


def train_encoder(
    posters: torch.Tensor,
    settings: TrainSettings,
    targets: TrainingTargets | None = None,
    show_progress: bool = False,
) -> TrainResult:
    """`posters`: (N, 3, H, W) float in [0, 1]; `targets`: the training sets aligned with
    `posters`, needed by every task but plain SimSiam. Same seed, same data: same weights."""
    if settings.tasks and targets is None:
        raise ValueError(f"tasks {list(settings.tasks)} need the training sets (targets)")
    if targets is not None and len(targets) != posters.shape[0]:
        raise ValueError(f"{len(targets)} targets for {posters.shape[0]} posters")
    started = time.perf_counter()
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    model = SimSiam(build_backbone(settings.backbone))
    heads = StructuredHeads(model.encoder.feature_dim, settings.label_tasks)
    learning_rate = settings.learning_rate * settings.batch_size / 256
    optimizer = torch.optim.SGD(
        [*model.parameters(), *heads.parameters()],
        lr=learning_rate,
        momentum=0.9,
        weight_decay=settings.weight_decay,
    )
    auxiliary = tuple(task for task in settings.tasks if task in AUXILIARY_TASKS)
    steps_per_epoch = max(1, posters.shape[0] // settings.batch_size)
    total_steps = settings.epochs * steps_per_epoch
    result = TrainResult(model, heads, [], [], {task: [] for task in auxiliary})
    model.train()
    heads.train()
    with tqdm(total=total_steps, desc="pretrain", disable=not show_progress) as progress:
        for epoch in range(settings.epochs):
            order = torch.randperm(posters.shape[0], generator=generator)
            for step in range(steps_per_epoch):
                done = len(result.losses) / total_steps
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate * 0.5 * (1 + math.cos(math.pi * done))
                rows = order[step * settings.batch_size : (step + 1) * settings.batch_size]
                simsiam_weight, structure_weight = stage_weights(settings.schedule, done)
                if not auxiliary:  # a schedule has nothing to stage without auxiliary tasks
                    simsiam_weight, structure_weight = 1.0, 0.0
                batch = posters[rows]
                boxes1 = boxes2 = None
                if "subject_views" in settings.tasks:
                    boxes1, boxes2, stored = targets.views_at(rows, epoch)
                    # Posters without stored pairs fall back to random crops.
                    random1 = random_crop_boxes(len(rows), settings.views, generator)
                    random2 = random_crop_boxes(len(rows), settings.views, generator)
                    boxes1 = torch.where(stored[:, None], boxes1, random1)
                    boxes2 = torch.where(stored[:, None], boxes2, random2)
                loss = torch.zeros(())
                ssl = None
                if simsiam_weight > 0:  # the structure-only phase skips SimSiam's passes
                    ssl = simsiam_loss(
                        *model(
                            poster_views(batch, settings.views, generator, boxes1),
                            poster_views(batch, settings.views, generator, boxes2),
                        )
                    )
                    loss = simsiam_weight * ssl
                task_losses = {}
                if structure_weight > 0 and auxiliary:
                    task_losses = _auxiliary_losses(
                        auxiliary, model, heads, batch, rows, targets, settings, generator
                    )
                structure = torch.stack(list(task_losses.values())).mean() if task_losses else None
                if structure is not None:
                    loss = loss + structure_weight * structure
                if loss.requires_grad:  # False only if no task could use this batch
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                result.losses.append(loss.item())
                result.simsiam_losses.append(math.nan if ssl is None else ssl.item())
                for task in auxiliary:
                    value = task_losses.get(task)
                    result.task_losses[task].append(math.nan if value is None else value.item())
                progress.update(1)
                progress.set_postfix(loss=f"{result.losses[-1]:.3f}")
    model.eval()
    heads.eval()
    result.seconds = time.perf_counter() - started
    return result
