"""The fused encoder: one small pre-norm transformer over a [CLS] token, a poster's patch
tokens (with 2-D positions), its text tokens (with boxes and title/metadata flags) and its
trailer's frame tokens (with their time), each with a modality embedding; the [CLS] output
projected to the 128-d poster embedding.

The attention is written out (not `nn.TransformerEncoder`) so that padded text tokens are an
additive mask that exports to OpenVINO as plain tensor operations."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from poster_assets.fusion.frame_tokens import MAX_FRAME_TOKENS
from poster_assets.fusion.reduction import REDUCED_DIMENSIONS as TOKEN_DIMENSIONS
from poster_assets.fusion.settings import ModelSettings
from poster_assets.fusion.text_tokens import TEXT_SLOTS
from poster_assets.ssl.text_features import TEXT_DIMENSIONS

GRID = 9
PATCHES = GRID * GRID
TEXT_FLAGS = 2  # is_title, from metadata
EMBEDDING_DIMENSIONS = 128
MASKED = -1e4  # additive attention logit of a padded token


class Block(nn.Module):
    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.mlp = nn.Sequential(
            nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width)
        )
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """x (B, L, width); bias (B, 1, 1, L): 0 for tokens to attend to, MASKED for padding."""
        b, n, width = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, n, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        attention = (q @ k.transpose(-1, -2)) * (width // self.heads) ** -0.5 + bias
        mixed = (attention.softmax(-1) @ v).transpose(1, 2).reshape(b, n, width)
        x = x + self.drop(self.proj(mixed))
        return x + self.drop(self.mlp(self.norm2(x)))


@dataclass
class Tokens:
    """A batch of posters' tokens. `patch_index` (B, K) picks which of the 81 grid positions
    the K patch tokens sit at (a view keeps some); `masked` (B, K) marks patches whose
    content is hidden (masked-patch prediction); text is padded to T with `text_valid`, a
    trailer's frames to F with `frame_valid`."""

    patches: torch.Tensor  # (B, K, 256)
    patch_index: torch.Tensor  # (B, K) long
    masked: torch.Tensor  # (B, K) bool
    text: torch.Tensor  # (B, T, 256)
    text_box: torch.Tensor  # (B, T, 4)
    text_flags: torch.Tensor  # (B, T, 2)
    text_valid: torch.Tensor  # (B, T) bool
    frames: torch.Tensor  # (B, F, 256): reduced like the patches (the same feature space)
    frame_time: torch.Tensor  # (B, F, 1): share of the trailer's length
    frame_valid: torch.Tensor  # (B, F) bool


@dataclass
class Encoded:
    embedding: torch.Tensor  # (B, 128)
    patches: torch.Tensor  # (B, K, width)
    text: torch.Tensor  # (B, T, width)


class FusionEncoder(nn.Module):
    def __init__(self, settings: ModelSettings | None = None) -> None:
        super().__init__()
        settings = settings or ModelSettings()
        width = settings.width
        self.patch_in = nn.Linear(TOKEN_DIMENSIONS, width)
        self.text_in = nn.Linear(TEXT_DIMENSIONS, width)
        self.box_in = nn.Linear(4 + TEXT_FLAGS, width)
        self.frame_in = nn.Linear(TOKEN_DIMENSIONS, width)
        self.time_in = nn.Linear(1, width)
        self.position = nn.Parameter(torch.randn(PATCHES, width) * 0.02)
        # [CLS], patch, text, frame
        self.modality = nn.Parameter(torch.randn(4, width) * 0.02)
        self.mask_token = nn.Parameter(torch.zeros(width))
        self.blocks = nn.ModuleList(
            Block(width, settings.heads, settings.dropout) for _ in range(settings.layers)
        )
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, EMBEDDING_DIMENSIONS)

    def encode(self, tokens: Tokens) -> Encoded:
        b, k = tokens.patch_index.shape
        patches = torch.where(
            tokens.masked[..., None], self.mask_token, self.patch_in(tokens.patches)
        )
        patches = patches + self.position[tokens.patch_index] + self.modality[1]
        text = self.text_in(tokens.text) + self.modality[2]
        text = text + self.box_in(torch.cat([tokens.text_box, tokens.text_flags], -1))
        frames = self.frame_in(tokens.frames) + self.time_in(tokens.frame_time)
        frames = frames + self.modality[3]
        cls = self.modality[0].expand(b, 1, -1)
        x = torch.cat([cls, patches, text, frames], 1)
        valid = torch.cat(
            [torch.ones(b, 1 + k, dtype=torch.bool, device=x.device), tokens.text_valid,
             tokens.frame_valid], 1,
        )  # fmt: skip
        bias = torch.where(valid, 0.0, MASKED)[:, None, None, :]
        for block in self.blocks:
            x = block(x, bias)
        x = self.norm(x)
        t = tokens.text.shape[1]
        return Encoded(self.out(x[:, 0]), x[:, 1 : 1 + k], x[:, 1 + k : 1 + k + t])


class ExportedEncoder(nn.Module):
    """Whole posters (all 81 patches, none hidden) -> embeddings, for OpenVINO."""

    def __init__(self, encoder: FusionEncoder) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(
        self,
        patches: torch.Tensor,
        text: torch.Tensor,
        text_box: torch.Tensor,
        text_flags: torch.Tensor,
        text_valid: torch.Tensor,
        frames: torch.Tensor,
        frame_time: torch.Tensor,
        frame_valid: torch.Tensor,
    ) -> torch.Tensor:
        b = patches.shape[0]
        index = torch.arange(PATCHES).expand(b, -1)
        tokens = Tokens(
            patches, index, torch.zeros(b, PATCHES, dtype=torch.bool), text, text_box,
            text_flags, text_valid > 0.5, frames, frame_time, frame_valid > 0.5,
        )  # fmt: skip
        return self.encoder.encode(tokens).embedding


def example_inputs(batch: int = 1) -> tuple[torch.Tensor, ...]:
    t = TEXT_SLOTS
    return (
        torch.zeros(batch, PATCHES, TOKEN_DIMENSIONS),
        torch.zeros(batch, t, TEXT_DIMENSIONS),
        torch.zeros(batch, t, 4),
        torch.zeros(batch, t, TEXT_FLAGS),
        torch.zeros(batch, t),
        torch.zeros(batch, MAX_FRAME_TOKENS, TOKEN_DIMENSIONS),
        torch.zeros(batch, MAX_FRAME_TOKENS, 1),
        torch.zeros(batch, MAX_FRAME_TOKENS),
    )
