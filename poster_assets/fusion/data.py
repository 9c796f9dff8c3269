"""The stored tokens of every poster as tensors, and the views the training tasks draw from
them: a random subset of patches (optionally some hidden, optionally the grid mirrored), a
random subset of text tokens and of trailer frames."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch

from poster_assets.fusion.model import GRID, PATCHES, Tokens
from poster_assets.fusion.poster_words import WordReduction
from poster_assets.fusion.reduction import TokenReduction
from poster_assets.fusion.settings import ViewSettings

FLIPPED = torch.arange(PATCHES).view(GRID, GRID).flip(1).reshape(-1)


@dataclass
class FusionData:
    """Row i of every array is poster `poster_ids[i]`. Text is padded to T tokens, trailer
    frames to F (none valid for a poster without a trailer)."""

    poster_ids: list[str]
    patches: torch.Tensor  # (N, 81, 256): the stored tokens reduced (`fusion/reduction`)
    roles: torch.Tensor  # (N, 81, 4) role shares
    depth: torch.Tensor  # (N, 81) rank, 0 nearest; NaN where the poster has no depth
    faces: torch.Tensor  # (N, 81) face cover
    people: torch.Tensor  # (N, 81) person cover
    text: torch.Tensor  # (N, T, 256)
    text_box: torch.Tensor  # (N, T, 4)
    text_flags: torch.Tensor  # (N, T, 2): is_title, from metadata
    text_valid: torch.Tensor  # (N, T) bool
    frames: torch.Tensor  # (N, F, 256): reduced like the patches
    frame_time: torch.Tensor  # (N, F, 1)
    frame_valid: torch.Tensor  # (N, F) bool
    labels: dict[str, torch.Tensor] = field(default_factory=dict)  # task -> (N,) class
    reduction: TokenReduction | None = None  # how the stored patch tokens were reduced
    words: WordReduction | None = None  # how the posters' words became their last text token
    summary: torch.Tensor | None = None  # (N, 128) the `summary` task's targets
    genres: torch.Tensor | None = None  # (N, G) 0/1, for the genre-supervised variant
    genre_known: torch.Tensor | None = None  # (N,) bool: a training-split poster with genres

    def __len__(self) -> int:
        return len(self.poster_ids)

    def visible(self, use_text: bool, use_metadata: bool, use_trailers: bool = True) -> FusionData:
        """The same posters with their text tokens, their metadata tokens or their trailer
        frames hidden."""
        shown = self
        if not use_trailers:
            shown = replace(shown, frame_valid=torch.zeros_like(self.frame_valid))
        if not use_text:
            return replace(shown, text_valid=torch.zeros_like(self.text_valid))
        if use_metadata:
            return shown
        return replace(shown, text_valid=self.text_valid & (self.text_flags[..., 1] < 0.5))


def whole(data: FusionData, rows: torch.Tensor) -> Tokens:
    """Every patch, every valid text token and every frame of the posters in `rows`."""
    b = len(rows)
    index = torch.arange(PATCHES).expand(b, -1)
    return Tokens(
        data.patches[rows], index, torch.zeros(b, PATCHES, dtype=torch.bool), data.text[rows],
        data.text_box[rows], data.text_flags[rows], data.text_valid[rows], data.frames[rows],
        data.frame_time[rows], data.frame_valid[rows],
    )  # fmt: skip


def view(
    data: FusionData, rows: torch.Tensor, settings: ViewSettings, generator: torch.Generator
) -> tuple[Tokens, torch.Tensor]:
    """A view of the posters in `rows` and the grid positions (B, K) its patches came from."""
    b, k = len(rows), settings.patches + settings.hidden
    chosen = torch.rand(b, PATCHES, generator=generator).argsort(1)[:, :k]
    patches = torch.gather(
        data.patches[rows], 1, chosen[..., None].expand(-1, -1, data.patches.shape[-1])
    )
    position = chosen
    if settings.mirror:
        mirrored = torch.rand(b, 1, generator=generator) < 0.5
        position = torch.where(mirrored, FLIPPED[chosen], chosen)
    masked = torch.zeros(b, k, dtype=torch.bool)
    masked[:, settings.patches :] = True
    keep = torch.rand(data.text_valid[rows].shape, generator=generator) < settings.text_keep
    keep_frames = torch.rand(data.frame_valid[rows].shape, generator=generator)
    tokens = Tokens(
        patches, position, masked, data.text[rows], data.text_box[rows], data.text_flags[rows],
        data.text_valid[rows] & keep, data.frames[rows], data.frame_time[rows],
        data.frame_valid[rows] & (keep_frames < settings.frame_keep),
    )  # fmt: skip
    return tokens, chosen


def image_only(tokens: Tokens) -> Tokens:
    """The patches of `tokens`, their text and frames hidden."""
    return replace(
        tokens,
        text_valid=torch.zeros_like(tokens.text_valid),
        frame_valid=torch.zeros_like(tokens.frame_valid),
    )


def _without_patches(data: FusionData, rows: torch.Tensor) -> Tokens:
    """Every text token and frame of the posters in `rows` and no patch token."""
    b = len(rows)
    return Tokens(
        torch.zeros(b, 0, data.patches.shape[-1]), torch.zeros(b, 0, dtype=torch.long),
        torch.zeros(b, 0, dtype=torch.bool), data.text[rows], data.text_box[rows],
        data.text_flags[rows], data.text_valid[rows], data.frames[rows], data.frame_time[rows],
        data.frame_valid[rows],
    )  # fmt: skip


def text_only(data: FusionData, rows: torch.Tensor) -> Tokens:
    """The posters' text tokens alone."""
    tokens = _without_patches(data, rows)
    return replace(tokens, frame_valid=torch.zeros_like(tokens.frame_valid))


def frames_only(data: FusionData, rows: torch.Tensor) -> Tokens:
    """The posters' trailer frames alone."""
    tokens = _without_patches(data, rows)
    return replace(tokens, text_valid=torch.zeros_like(tokens.text_valid))
