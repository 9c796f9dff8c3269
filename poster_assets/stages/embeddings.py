"""The embeddings stage: ImageNet features (EfficientNet-Lite3, packaged) of the whole poster
and of its foreground. The table is shared: pretrained encoders add their vectors under their
own `model`."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from poster_assets.models.embedder import ImageEmbedder, load_image_embedder
from poster_assets.models.packaged import EFFICIENTNET_LITE3
from poster_assets.stages import spec
from poster_assets.stages.stored import foreground_mask
from poster_assets.stages.tables import EMBEDDINGS, FOREGROUND
from poster_assets.vision.embeddings import crop_to_mask, masked_mean

EMBEDDINGS_REVISION = "r1"


def whole_poster_map(embedder: ImageEmbedder, poster: spec.PosterInput) -> np.ndarray:
    """The poster's feature map, one pass per run for this stage and `patch_tokens`."""
    return poster.shared(embedder.model_name, lambda: embedder.feature_map(poster.rgb))


def poster_embeddings(
    rgb: np.ndarray,
    foreground: np.ndarray | None,
    embedder: ImageEmbedder,
    feature_map: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Region name -> vector. `poster`: the whole poster (from its `feature_map` when it is
    already computed). With a foreground mask (any size): `foreground`, a second pass on the
    crop around it; `foreground_pooled` and `background_pooled`, the poster's feature map
    pooled inside and outside the mask."""
    if feature_map is None:
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


def embedding_rows(model: str, regions: Mapping[str, np.ndarray]) -> list[dict]:
    return [
        {
            "model": model,
            "region": region,
            "dimensions": len(vector),
            "vector": vector.astype(np.float32).tolist(),
        }
        for region, vector in regions.items()
    ]


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    EFFICIENTNET_LITE3.path()  # says how to install it when missing
    name = ImageEmbedder.model_name
    return spec.PreparedStage(
        version=f"{EMBEDDINGS_REVISION}+{name}",
        load=lambda: functools.partial(_embed, load_image_embedder(streams=context.workers)),
        model=name,
        scope=("model", name),
    )


def _embed(embedder: ImageEmbedder, poster: spec.PosterInput) -> dict[str, list[dict]]:
    mask = foreground_mask(poster.upstream["foreground"])
    regions = poster_embeddings(poster.rgb, mask, embedder, whole_poster_map(embedder, poster))
    return {"embeddings": embedding_rows(embedder.model_name, regions)}


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    return {"vectors_by_region": tables["embeddings"]["region"].value_counts().to_dict()}


EMBEDDING = spec.StageSpec(
    name="embeddings", asset="embeddings", group="foreground", kinds=("openvino", "duckdb"),
    tables=(EMBEDDINGS,), upstream=("foreground",), reads=(FOREGROUND.name,), prepare=prepare,
    parallel=True,
    summarize=summarize,
    description="ImageNet (EfficientNet-Lite3) embeddings of the whole poster, the foreground "
    "crop, and the feature map pooled inside and outside the foreground: table `embeddings`.",
)  # fmt: skip
