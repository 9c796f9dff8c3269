"""Generated trailers with known cuts: pans and zooms over images, a title card, hard cuts
between shots. What the trailer stages are tested and measured on, and what `demo` adds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

FRAME_SIZE = (320, 180)
FPS = 12.0


@dataclass(frozen=True)
class GeneratedTrailer:
    path: Path
    cuts: list[int]  # first frame of every shot after the first
    frame_count: int
    title_card_shot: int  # index of the shot showing the title


def _window(
    image: np.ndarray, centre: tuple[float, float], scale: float, size: tuple[int, int]
) -> np.ndarray:
    """A 16:9 crop of `image` around `centre` (shares), `scale` of its width, at `size`."""
    height, width = image.shape[:2]
    crop_w = max(16, int(width * scale))
    crop_h = max(9, min(height, int(crop_w * 9 / 16)))
    x = int(np.clip(centre[0] * width - crop_w / 2, 0, width - crop_w))
    y = int(np.clip(centre[1] * height - crop_h / 2, 0, height - crop_h))
    return cv2.resize(image[y : y + crop_h, x : x + crop_w], size, cv2.INTER_AREA)


def _moving_shot(
    image: np.ndarray, frames: int, rng: np.random.Generator, size: tuple[int, int]
) -> list[np.ndarray]:
    """A pan (the window slides) or a zoom (it shrinks or grows) over one image."""
    start = rng.uniform(0.3, 0.7, 2)
    end = np.clip(start + rng.uniform(-0.25, 0.25, 2), 0.2, 0.8)
    scales = rng.uniform(0.55, 1.0, 2)
    return [
        _window(image, tuple(start + (end - start) * t), float(np.interp(t, [0, 1], scales)), size)
        for t in np.linspace(0, 1, frames)
    ]


def _title_card(
    title: str, frames: int, rng: np.random.Generator, size: tuple[int, int]
) -> list[np.ndarray]:
    """The title in large white letters on a dark colour, slowly growing."""
    colour = rng.integers(10, 70, 3).tolist()
    font = cv2.FONT_HERSHEY_DUPLEX
    card = []
    for t in np.linspace(0, 1, frames):
        frame = np.full((size[1], size[0], 3), colour, np.uint8)
        (text_w, text_h), _ = cv2.getTextSize(title, font, 1.0, 2)
        scale = min(size[0] / 200, 0.8 * size[0] / max(1, text_w)) * (0.9 + 0.1 * t)
        thickness = max(2, size[0] // 160)
        (text_w, text_h), _ = cv2.getTextSize(title, font, scale, thickness)
        origin = ((size[0] - text_w) // 2, (size[1] + text_h) // 2)
        cv2.putText(frame, title, origin, font, scale, (245, 245, 245), thickness, cv2.LINE_AA)
        card.append(frame)
    return card


def write_trailer(
    path: Path,
    images: Sequence[np.ndarray],
    title: str,
    seed: int,
    shots: int = 7,
    size: tuple[int, int] = FRAME_SIZE,
    shot_frames: tuple[int, int] = (8, 36),
) -> GeneratedTrailer:
    """An MPEG-4 video of `shots` shots (`shot_frames` long, at 12 fps) over the BGR `images` (at
    least two: shots side by side show different ones, so that every cut is a visible one),
    one shot a title card; noise on every frame, as compression and grain would add."""
    rng = np.random.default_rng(seed)
    title_shot = int(rng.integers(1, shots))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, size)
    cuts: list[int] = []
    written = 0
    shown = -1
    for shot in range(shots):
        length = int(rng.integers(shot_frames[0], shot_frames[1] + 1))
        if shot == title_shot:
            frames = _title_card(title, length, rng, size)
        else:
            shown = int(rng.choice([index for index in range(len(images)) if index != shown]))
            frames = _moving_shot(images[shown], length, rng, size)
        if shot:
            cuts.append(written)
        for frame in frames:
            noise = rng.normal(0, 3, frame.shape)
            writer.write(np.clip(frame + noise, 0, 255).astype(np.uint8))
        written += len(frames)
    writer.release()
    return GeneratedTrailer(path, cuts, written, title_shot)
