"""Masks read back from the store: depth layers as label maps, foreground masks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import rows_for_posters
from poster_assets.vision.masks import decode_mask_png


@dataclass(frozen=True)
class LayerMap:
    labels: np.ndarray  # (h, w) uint8 layer index, 0 = nearest
    roles: tuple[str, ...]  # per layer index

    def role_mask(self, role: str) -> np.ndarray:
        """Pixels of the layers with this role (foreground / midground / background)."""
        chosen = [index for index, layer_role in enumerate(self.roles) if layer_role == role]
        return np.isin(self.labels, chosen)


def load_layer_maps(db: PosterDatabase, poster_ids: list[str]) -> dict[str, LayerMap]:
    """Posters without layers (no depth model, or a failed depth stage) are left out."""
    rows = rows_for_posters(db, "layers", poster_ids)
    maps = {}
    for poster_id, group in rows.sort_values("layer_index").groupby("poster_id"):
        masks = np.stack([decode_mask_png(mask) for mask in group["mask_png"]])
        maps[poster_id] = LayerMap(masks.argmax(axis=0).astype(np.uint8), tuple(group["role"]))
    return maps


def load_foreground_masks(db: PosterDatabase, poster_ids: list[str]) -> dict[str, np.ndarray]:
    rows = rows_for_posters(db, "foreground", poster_ids)
    return {row.poster_id: decode_mask_png(row.mask_png) for row in rows.itertuples()}
