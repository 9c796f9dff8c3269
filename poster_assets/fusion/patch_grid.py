"""A poster as a grid of patch tokens with what lies in each patch: the ImageNet feature map
(EfficientNet-Lite3, 9 x 9 x 1280) as float16, and per patch the share of each composition
role, its depth and its face and object cover.

The tokens are stored whole, not reduced: the map is ~85 % zeros (ReLU6), so zlib keeps a
poster's 81 x 1280 tokens in ~43 KB, no more than a fixed 256-d projection took, and the
reduction to the model's 256 dimensions is a PCA fitted when a model is trained
(`fusion/reduction.py`): a fixed random projection lost genre signal (docs/fusion.md)."""

from __future__ import annotations

import zlib

import cv2
import numpy as np

from poster_assets.vision.composition import BACKGROUND, FIRST_SUBJECT, OTHER_TEXT, TITLE_TEXT

FEATURE_DIMENSIONS = 1280
ROLE_COLUMNS = ("background", "subject", "title_text", "other_text")

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in poster pixels


def patch_tokens(feature_map: np.ndarray) -> np.ndarray:
    """(rows, cols, 1280) -> (rows * cols, 1280) float16, row-major."""
    return feature_map.reshape(-1, FEATURE_DIMENSIONS).astype(np.float16)


def encode_tokens(tokens: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(tokens, np.float16).tobytes(), 1)


def decode_tokens(data: bytes, dimensions: int = FEATURE_DIMENSIONS) -> np.ndarray:
    return np.frombuffer(zlib.decompress(data), np.float16).reshape(-1, dimensions)


def cell_means(values: np.ndarray, grid: int) -> np.ndarray:
    """(H, W) float -> (grid * grid,) mean of each cell, row-major (area resampling)."""
    return cv2.resize(values.astype(np.float32), (grid, grid), interpolation=cv2.INTER_AREA).ravel()


def role_shares(roles: np.ndarray, grid: int) -> np.ndarray:
    """(grid * grid, 4) share of each of ROLE_COLUMNS in each cell of a role map."""
    planes = (roles == BACKGROUND, roles >= FIRST_SUBJECT, roles == TITLE_TEXT, roles == OTHER_TEXT)
    return np.stack([cell_means(plane, grid) for plane in planes], axis=1)


def box_cover(boxes: list[Box], width: int, height: int, grid: int) -> np.ndarray:
    """(grid * grid,) share of each cell that the boxes cover."""
    covered = np.zeros((height, width), np.float32)
    for x0, y0, x1, y1 in boxes:
        covered[
            max(0, int(y0)) : max(0, int(np.ceil(y1))), max(0, int(x0)) : max(0, int(np.ceil(x1)))
        ] = 1
    return cell_means(covered, grid)


def depth_ranks(depth: np.ndarray, grid: int) -> np.ndarray:
    """(grid * grid,) each cell's mean depth as its rank among the cells, 0 nearest .. 1."""
    means = cell_means(depth, grid)
    order = np.argsort(np.argsort(means, kind="stable"), kind="stable")
    return (order / max(1, len(means) - 1)).astype(np.float32)
