"""Trained encoders on disk: the PyTorch state (to resume or fine-tune) beside the OpenVINO
IR that embedding uses."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch
from torch import nn

from poster_assets.ssl.backbones import build_backbone
from poster_assets.ssl.train import TrainResult, TrainSettings


def settings_dict(settings: TrainSettings) -> dict:
    return dataclasses.asdict(settings)


def save_checkpoint(result: TrainResult, settings: TrainSettings, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "encoder": result.model.encoder.state_dict(),
            "settings": settings_dict(settings),
            "losses": result.losses,
        },
        path,
    )
    return path


def load_encoder(path: Path) -> nn.Module:
    """The encoder saved by `save_checkpoint`, in eval mode."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    encoder = build_backbone(state["settings"]["backbone"], pretrained=False)
    encoder.load_state_dict(state["encoder"])
    return encoder.eval()
