"""Co-training the fused encoder PolyViT-style: every step samples one task and trains the
shared transformer and that task's head on it.

Tasks (label-free unless named):
- `views`: two views of a poster (different patches, mirrored or not, half its text) agree
  (InfoNCE over the batch), so the embedding keeps what tells posters apart;
- `masked_patches`: hidden patches' tokens predicted from the visible ones;
- `whole_poster`: the mean of all the poster's patch tokens predicted from a view's
  embedding (masked prediction at the poster's scale: the embedding keeps what is seen);
- `summary`: the embedding of a view with all its text is the poster's summary
  (`fusion/summary`): the leading components of its mean patch token and of its words;
- `roles`: each visible patch's composition role shares, depth rank and face/person cover;
- `text_alignment`: a poster's image-only embedding finds its own text-only embedding;
- `trailer_alignment`: likewise with its trailer's frames (posters with a trailer only);
- `labels`: the curriculum labels (title placement, face count, depth modes, title layer);
- `genres`: the training split's genres (only in the genre-supervised variant).

Schedules: `joint` samples every task alike throughout; `structure_first` (the curriculum)
samples only the structure tasks (`roles`, `labels`) for the first third of the steps.
A task with nothing to learn from (alignment without text or trailers, genres without
labels) is left out of the run, and the result says why."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F
from torch import nn

from poster_assets.fusion.data import (
    FusionData,
    frames_only,
    image_only,
    text_only,
    view,
    whole,
)
from poster_assets.fusion.model import EMBEDDING_DIMENSIONS, FusionEncoder
from poster_assets.fusion.reduction import REDUCED_DIMENSIONS as TOKEN_DIMENSIONS
from poster_assets.fusion.settings import (
    STRUCTURE_SHARE,
    STRUCTURE_TASKS,
    FusionSettings,
)
from poster_assets.ssl.curriculum_labels import TASK_CLASSES

WARMUP_STEPS = 100


class Heads(nn.Module):
    """Each task's head on the shared encoder."""

    def __init__(self, width: int, genres: int) -> None:
        super().__init__()
        e = EMBEDDING_DIMENSIONS
        self.views = nn.Sequential(nn.Linear(e, 2 * e), nn.GELU(), nn.Linear(2 * e, e))
        self.text_alignment = nn.Sequential(nn.Linear(e, 2 * e), nn.GELU(), nn.Linear(2 * e, e))
        self.trailer_alignment = nn.Sequential(nn.Linear(e, 2 * e), nn.GELU(), nn.Linear(2 * e, e))
        self.masked_patches = nn.Linear(width, TOKEN_DIMENSIONS)
        self.whole_poster = nn.Linear(e, TOKEN_DIMENSIONS)
        self.roles = nn.Linear(width, 4 + 1 + 2)  # role shares, depth rank, face/person cover
        self.labels = nn.ModuleDict(
            {task: nn.Linear(e, len(classes)) for task, classes in TASK_CLASSES.items()}
        )
        self.genres = nn.Linear(e, max(1, genres))


@dataclass
class FusionResult:
    encoder: FusionEncoder
    losses: list[float]
    task_losses: dict[str, list[float]]  # per task, NaN on steps that sampled another
    seconds: float
    left_out: dict[str, str] = field(default_factory=dict)  # task -> why it could not run


def info_nce(a: torch.Tensor, b: torch.Tensor, temperature: float) -> torch.Tensor:
    a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)
    logits = a @ b.T / temperature
    target = torch.arange(len(a))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


class Trainer:
    def __init__(self, data: FusionData, settings: FusionSettings) -> None:
        self.data, self.settings = data, settings
        self.generator = torch.Generator().manual_seed(settings.seed)
        torch.manual_seed(settings.seed)
        self.encoder = FusionEncoder(settings.model)
        genres = 0 if data.genres is None else data.genres.shape[1]
        self.heads = Heads(settings.model.width, genres)
        self.with_text = torch.nonzero(data.text_valid.any(1)).ravel()
        self.with_trailer = torch.nonzero(data.frame_valid.any(1)).ravel()
        has_genres = data.genres is not None and data.genres.shape[1] > 0
        self.with_genres = (
            torch.nonzero(data.genre_known).ravel()
            if has_genres and data.genre_known is not None
            else torch.zeros(0, dtype=torch.long)
        )
        self.left_out = self._left_out()
        self.tasks = tuple(task for task in settings.tasks if task not in self.left_out)
        if not self.tasks:
            raise ValueError(f"no task can run: {self.left_out}")

    def _left_out(self) -> dict[str, str]:
        """Tasks of the settings with fewer than two posters to learn from, and why."""
        needs = {
            "text_alignment": (self.with_text, "posters with text tokens"),
            "trailer_alignment": (self.with_trailer, "posters with a trailer"),
            "genres": (self.with_genres, "training-split posters with genres"),
            "summary": (
                torch.arange(len(self.data) if self.data.summary is not None else 0),
                "posters with summary targets (made when a model is trained)",
            ),
        }
        return {
            task: f"{len(needs[task][0])} {needs[task][1]}; needs 2"
            for task in self.settings.tasks
            if task in needs and len(needs[task][0]) < 2
        }

    def rows(self, among: torch.Tensor | None = None) -> torch.Tensor:
        pool = among if among is not None else torch.arange(len(self.data))
        size = min(self.settings.batch_size, len(pool))
        return pool[torch.randperm(len(pool), generator=self.generator)[:size]]

    def loss(self, task: str) -> torch.Tensor:
        s, data, enc, heads = self.settings, self.data, self.encoder, self.heads
        if task == "views":
            rows = self.rows()
            one = enc.encode(view(data, rows, s.view, self.generator)[0]).embedding
            two = enc.encode(view(data, rows, s.view, self.generator)[0]).embedding
            return info_nce(heads.views(one), heads.views(two), s.temperature)
        if task == "masked_patches":
            rows = self.rows()
            hidden = replace(s.view, hidden=s.hidden_patches, mirror=False)
            tokens, chosen = view(data, rows, hidden, self.generator)
            out = enc.encode(tokens).patches[tokens.masked]
            target = torch.gather(
                data.patches[rows], 1, chosen[..., None].expand(-1, -1, TOKEN_DIMENSIONS)
            )[tokens.masked]
            return F.mse_loss(heads.masked_patches(out), target)
        if task == "whole_poster":
            rows = self.rows()
            embedding = enc.encode(view(data, rows, s.view, self.generator)[0]).embedding
            return F.mse_loss(heads.whole_poster(embedding), data.patches[rows].mean(1))
        if task == "summary":
            rows = self.rows()
            all_text = replace(s.view, text_keep=1.0)
            embedding = enc.encode(view(data, rows, all_text, self.generator)[0]).embedding
            return F.mse_loss(embedding, data.summary[rows])
        if task == "roles":
            rows = self.rows()
            tokens, chosen = view(data, rows, s.view, self.generator)
            predicted = heads.roles(enc.encode(tokens).patches)
            roles = torch.gather(data.roles[rows], 1, chosen[..., None].expand(-1, -1, 4))
            loss = -(roles * predicted[..., :4].log_softmax(-1)).sum(-1).mean()
            depth = torch.gather(data.depth[rows], 1, chosen)
            known = ~torch.isnan(depth)
            if known.any():
                loss = loss + F.mse_loss(predicted[..., 4][known], depth[known])
            cover = torch.stack(
                [
                    torch.gather(data.faces[rows], 1, chosen),
                    torch.gather(data.people[rows], 1, chosen),
                ],
                -1,
            )
            return loss + F.binary_cross_entropy_with_logits(predicted[..., 5:], cover)
        if task in ("text_alignment", "trailer_alignment"):
            text = task == "text_alignment"
            rows = self.rows(self.with_text if text else self.with_trailer)
            image = enc.encode(image_only(view(data, rows, s.view, self.generator)[0]))
            other = enc.encode(text_only(data, rows) if text else frames_only(data, rows))
            head = heads.text_alignment if text else heads.trailer_alignment
            return info_nce(head(image.embedding), head(other.embedding), s.temperature)
        if task == "labels":
            rows = self.rows()
            embedding = enc.encode(view(data, rows, s.view, self.generator)[0]).embedding
            return sum(
                F.cross_entropy(head(embedding), data.labels[name][rows])
                for name, head in heads.labels.items()
            ) / len(heads.labels)
        if task == "genres":
            rows = self.rows(self.with_genres)
            embedding = enc.encode(view(data, rows, s.view, self.generator)[0]).embedding
            return F.binary_cross_entropy_with_logits(heads.genres(embedding), data.genres[rows])
        raise ValueError(f"unknown task {task!r}")

    def active_tasks(self, step: int) -> tuple[str, ...]:
        s = self.settings
        structure = tuple(task for task in self.tasks if task in STRUCTURE_TASKS)
        if s.schedule == "structure_first" and structure and step < s.steps * STRUCTURE_SHARE:
            return structure
        return self.tasks

    def train(self, progress: bool = False) -> FusionResult:
        s = self.settings
        parameters = list(self.encoder.parameters()) + list(self.heads.parameters())
        optimiser = torch.optim.AdamW(parameters, s.learning_rate, weight_decay=s.weight_decay)
        losses: list[float] = []
        task_losses = {task: [] for task in self.tasks}
        started = time.perf_counter()
        self.encoder.train()
        for step in range(s.steps):
            rate = s.learning_rate * min(1.0, (step + 1) / WARMUP_STEPS)
            rate *= 0.5 * (1 + math.cos(math.pi * step / s.steps))
            for group in optimiser.param_groups:
                group["lr"] = rate
            active = self.active_tasks(step)
            task = active[int(torch.randint(len(active), (1,), generator=self.generator))]
            loss = self.loss(task)
            for name in task_losses:
                task_losses[name].append(loss.item() if name == task else math.nan)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
            if progress and step % 200 == 0:
                print(f"step {step}/{s.steps} {task} {loss.item():.4f}", flush=True)
        self.encoder.eval()
        seconds = time.perf_counter() - started
        return FusionResult(self.encoder, losses, task_losses, seconds, self.left_out)


def prepared_data(data: FusionData, settings: FusionSettings) -> FusionData:
    return data.visible(settings.use_text, settings.use_metadata, settings.use_trailers)


def train_fusion(
    data: FusionData, settings: FusionSettings, progress: bool = False
) -> FusionResult:
    return Trainer(prepared_data(data, settings), settings).train(progress)


def embed(encoder: FusionEncoder, data: FusionData, batch: int = 256) -> torch.Tensor:
    """(N, 128) embeddings of whole posters (every patch, text token and frame)."""
    encoder.eval()
    with torch.no_grad():
        return torch.cat(
            [
                encoder.encode(
                    whole(data, torch.arange(start, min(start + batch, len(data))))
                ).embedding
                for start in range(0, len(data), batch)
            ]
        )
