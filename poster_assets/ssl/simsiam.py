"""SimSiam (Chen & He, CVPR 2021): an encoder, a projection MLP and a prediction MLP, trained
to make two views of a poster agree, with a stop-gradient on the target branch instead of
negative pairs or a momentum encoder."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from poster_assets.ssl.encoder import PosterEncoder

PROJECTION_DIM = 256
PREDICTOR_HIDDEN = 64  # the bottleneck the paper found essential


def projection_head(feature_dim: int, out_dim: int = PROJECTION_DIM) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(feature_dim, out_dim, bias=False),
        nn.BatchNorm1d(out_dim),
        nn.ReLU(inplace=True),
        nn.Linear(out_dim, out_dim, bias=False),
        nn.BatchNorm1d(out_dim, affine=False),
    )


def prediction_head(dim: int = PROJECTION_DIM, hidden: int = PREDICTOR_HIDDEN) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(dim, hidden, bias=False),
        nn.BatchNorm1d(hidden),
        nn.ReLU(inplace=True),
        nn.Linear(hidden, dim),
    )


def negative_cosine(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """-cos(p, stopgrad(z)), averaged over the batch: the target gets no gradient."""
    return -F.cosine_similarity(prediction, target.detach(), dim=-1).mean()


def simsiam_loss(
    p1: torch.Tensor, p2: torch.Tensor, z1: torch.Tensor, z2: torch.Tensor
) -> torch.Tensor:
    """The symmetric loss: each view's prediction chases the other view's projection."""
    return 0.5 * negative_cosine(p1, z2) + 0.5 * negative_cosine(p2, z1)


class SimSiam(nn.Module):
    def __init__(self, encoder: nn.Module | None = None) -> None:
        """`encoder`: any module with a `feature_dim` (default: a fresh PosterEncoder)."""
        super().__init__()
        self.encoder = encoder or PosterEncoder()
        self.projector = projection_head(self.encoder.feature_dim)
        self.predictor = prediction_head()

    def forward(
        self, view1: torch.Tensor, view2: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Predictions and projections of both views: (p1, p2, z1, z2)."""
        z1 = self.projector(self.encoder(view1))
        z2 = self.projector(self.encoder(view2))
        return self.predictor(z1), self.predictor(z2), z1, z2
