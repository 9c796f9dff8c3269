"""Backbones to pretrain: the compact ResNet from scratch, or MobileNetV2 from its packaged
ImageNet weights. A checkpoint names its backbone, so it can be rebuilt to load."""

from __future__ import annotations

from torch import nn

from poster_assets.models.packaged import MOBILENET_V2_IMAGENET
from poster_assets.ssl.encoder import PosterEncoder
from poster_assets.ssl.mobilenet_v2 import MobileNetV2Encoder, imagenet_encoder

BACKBONES = ("small-resnet", "mobilenet-v2-imagenet")


def build_backbone(name: str, pretrained: bool = True) -> nn.Module:
    """A fresh backbone; `pretrained=False` skips loading ImageNet weights (the checkpoint's
    own will replace them)."""
    if name == "small-resnet":
        return PosterEncoder()
    if name == "mobilenet-v2-imagenet":
        return (
            imagenet_encoder(MOBILENET_V2_IMAGENET.path()) if pretrained else MobileNetV2Encoder()
        )
    raise ValueError(f"unknown backbone {name!r}; one of {', '.join(BACKBONES)}")
