"""Posters as one float tensor for training: decoded, squashed to a fixed 2:3 size."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import torch

from poster_assets.errors import PosterInputError
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.ssl_encoder import POSTER_HEIGHT, POSTER_WIDTH


def load_posters(
    paths: Sequence[str], height: int = POSTER_HEIGHT, width: int = POSTER_WIDTH
) -> torch.Tensor:
    """(N, 3, height, width) float32 in [0, 1]; an unreadable file raises PosterInputError."""
    pictures = [
        cv2.resize(decode_image(read_image_bytes(path)).rgb, (width, height), cv2.INTER_AREA)
        for path in paths
    ]
    stacked = np.stack(pictures).astype(np.float32) / 255.0
    return torch.from_numpy(stacked).permute(0, 3, 1, 2).contiguous()


def load_readable_posters(
    paths: Sequence[str], height: int = POSTER_HEIGHT, width: int = POSTER_WIDTH
) -> tuple[torch.Tensor, list[int], list[tuple[str, str]]]:
    """Like `load_posters`, but a file that cannot be read (moved, corrupted since ingest) is
    left out: (posters, indices of the loaded paths, (path, reason) of the others)."""
    loaded, kept, skipped = [], [], []
    for index, path in enumerate(paths):
        try:
            loaded.append(load_posters([path], height, width))
        except PosterInputError as error:
            skipped.append((path, str(error)))
            continue
        kept.append(index)
    if not loaded:
        return torch.zeros(0, 3, height, width), kept, skipped
    return torch.cat(loaded), kept, skipped
