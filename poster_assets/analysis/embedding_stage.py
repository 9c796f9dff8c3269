"""The embeddings stage: ImageNet features of the whole poster and of its foreground."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from poster_assets.analysis.stage_result import PosterFile, StageResult, run_per_poster
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.embedder import ImageEmbedder
from poster_assets.vision.embeddings import crop_to_mask, masked_mean

EMBEDDINGS_STAGE = "embeddings"
EMBEDDINGS_REVISION = "r1"
EMBEDDING_COLUMNS = ["poster_id", "batch_id", "model", "region", "dimensions", "vector"]


def poster_embeddings(
    rgb: np.ndarray, foreground: np.ndarray | None, embedder: ImageEmbedder
) -> dict[str, np.ndarray]:
    """Region name -> vector. `poster`: the whole poster. With a foreground mask (any size):
    `foreground`, a second pass on the crop around it; `foreground_pooled` and
    `background_pooled`, the poster's feature map pooled inside and outside the mask."""
    feature_map = embedder.feature_map(rgb)
    regions = {"poster": feature_map.mean(axis=(0, 1))}
    if foreground is None:
        return regions
    pooled = {
        "foreground_pooled": masked_mean(feature_map, foreground),
        "background_pooled": masked_mean(feature_map, ~foreground),
    }
    regions |= {name: vector for name, vector in pooled.items() if vector is not None}
    crop = crop_to_mask(rgb, foreground)
    if crop is not None and min(crop.shape[:2]) >= 8:
        regions["foreground"] = embedder.feature_map(crop).mean(axis=(0, 1))
    return regions


def run_embeddings(
    posters: Sequence[PosterFile],
    *,
    batch_id: str,
    embedder: ImageEmbedder,
    foreground_masks: Mapping[str, np.ndarray],
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    def embed(poster: PosterFile) -> dict[str, list[dict]]:
        rgb = decode_image(read_image_bytes(poster.path)).rgb
        regions = poster_embeddings(rgb, foreground_masks.get(poster.poster_id), embedder)
        return {
            "embeddings": [
                {
                    "model": embedder.model_name,
                    "region": region,
                    "dimensions": len(vector),
                    "vector": vector.astype(np.float32).tolist(),
                }
                for region, vector in regions.items()
            ]
        }

    return run_per_poster(
        posters,
        batch_id=batch_id,
        stage=EMBEDDINGS_STAGE,
        columns={"embeddings": EMBEDDING_COLUMNS},
        process=embed,
        show_progress=show_progress,
        workers=workers,
    )
