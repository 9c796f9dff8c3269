"""A compact convolutional encoder for 128-192 px posters: a small ResNet (four stages of two
residual blocks, widths 32-256), small enough to train on two CPU cores in minutes."""

from __future__ import annotations

import torch
from torch import nn

STAGE_WIDTHS = (32, 64, 128, 256)


class ResidualBlock(nn.Module):
    def __init__(self, channels_in: int, channels_out: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels_in, channels_out, 3, stride, 1, bias=False),
            nn.BatchNorm2d(channels_out),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels_out, channels_out, 3, 1, 1, bias=False),
            nn.BatchNorm2d(channels_out),
        )
        self.shortcut = (
            nn.Identity()
            if stride == 1 and channels_in == channels_out
            else nn.Sequential(
                nn.Conv2d(channels_in, channels_out, 1, stride, bias=False),
                nn.BatchNorm2d(channels_out),
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.shortcut(x))


class PosterEncoder(nn.Module):
    """(N, 3, H, W) images in [0, 1] -> (N, 256) features."""

    def __init__(self, widths: tuple[int, ...] = STAGE_WIDTHS) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 5, 2, 2, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
        )
        stages, channels = [], widths[0]
        for index, width in enumerate(widths):
            stride = 1 if index == 0 else 2
            stages += [ResidualBlock(channels, width, stride), ResidualBlock(width, width, 1)]
            channels = width
        self.stages = nn.Sequential(*stages)
        self.feature_dim = channels

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.stages(self.stem(images)).mean(dim=(2, 3))
