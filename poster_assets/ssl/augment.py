"""View augmentations suited to posters, on batches of tensors: random crops that keep a large
part of the poster (so some of the subject stays), colour jitter, no horizontal flips (they
mirror the text)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class ViewSettings:
    size: int = 128  # output side, pixels
    min_area: float = 0.35  # of the poster kept by a crop
    max_aspect_change: float = 1.33
    brightness: float = 0.4
    contrast: float = 0.4
    saturation: float = 0.4
    grey_probability: float = 0.2


def random_crop_boxes(
    count: int, settings: ViewSettings, generator: torch.Generator
) -> torch.Tensor:
    """(count, 4) crop boxes x0, y0, x1, y1 in [0, 1] of the poster."""
    area = settings.min_area + (1 - settings.min_area) * torch.rand(count, generator=generator)
    log_ratio = (torch.rand(count, generator=generator) * 2 - 1) * torch.log(
        torch.tensor(settings.max_aspect_change)
    )
    ratio = torch.exp(log_ratio)
    width = torch.sqrt(area * ratio).clamp(max=1.0)
    height = torch.sqrt(area / ratio).clamp(max=1.0)
    x0 = torch.rand(count, generator=generator) * (1 - width)
    y0 = torch.rand(count, generator=generator) * (1 - height)
    return torch.stack([x0, y0, x0 + width, y0 + height], dim=1)


def crop_and_resize(images: torch.Tensor, boxes: torch.Tensor, size: int) -> torch.Tensor:
    """Each (3, H, W) image's box resampled to size x size (bilinear, via an affine grid)."""
    count = images.shape[0]
    theta = torch.zeros(count, 2, 3, dtype=images.dtype)
    theta[:, 0, 0] = boxes[:, 2] - boxes[:, 0]
    theta[:, 1, 1] = boxes[:, 3] - boxes[:, 1]
    theta[:, 0, 2] = boxes[:, 0] + boxes[:, 2] - 1
    theta[:, 1, 2] = boxes[:, 1] + boxes[:, 3] - 1
    grid = F.affine_grid(theta, [count, 3, size, size], align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", align_corners=False)


def luminance(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) Rec. 601 luma of (N, 3, H, W) RGB."""
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=images.dtype).view(1, 3, 1, 1)
    return (images * weights).sum(dim=1, keepdim=True)


def colour_jitter(
    images: torch.Tensor, settings: ViewSettings, generator: torch.Generator
) -> torch.Tensor:
    """Brightness, contrast and saturation scaled by random factors, then sometimes grey."""
    count = images.shape[0]

    def factor(strength: float) -> torch.Tensor:
        draw = torch.rand(count, 1, 1, 1, generator=generator) * 2 - 1
        return (1 + draw * strength).to(images.dtype)

    images = images * factor(settings.brightness)
    mean = luminance(images).mean(dim=(2, 3), keepdim=True)
    images = (images - mean) * factor(settings.contrast) + mean
    grey = luminance(images)
    images = (images - grey) * factor(settings.saturation) + grey
    to_grey = torch.rand(count, 1, 1, 1, generator=generator) < settings.grey_probability
    return torch.where(to_grey, luminance(images).expand_as(images), images).clamp(0, 1)


def poster_views(
    images: torch.Tensor,
    settings: ViewSettings,
    generator: torch.Generator,
    boxes: torch.Tensor | None = None,
) -> torch.Tensor:
    """One augmented view of each (3, H, W) poster in [0, 1]: (N, 3, size, size); crops at
    `boxes` where given, else random ones."""
    if boxes is None:
        boxes = random_crop_boxes(images.shape[0], settings, generator)
    return colour_jitter(crop_and_resize(images, boxes, settings.size), settings, generator)
