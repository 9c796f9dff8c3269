"""The patch-tokens stage: each poster as 9 x 9 ImageNet patch tokens (EfficientNet-Lite3's
feature map, 1280-d float16) with what each patch holds (composition roles,
depth rank, face and person cover): the fused encoder's image tokens and their structure
labels (`fusion/patch_grid.py`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from poster_assets.fusion import patch_grid
from poster_assets.models.embedder import ImageEmbedder, load_image_embedder
from poster_assets.models.packaged import EFFICIENTNET_LITE3
from poster_assets.stages import spec
from poster_assets.stages.embeddings import whole_poster_map
from poster_assets.stages.stored import detection_boxes, labelled_boxes
from poster_assets.stages.tables import PATCH_TOKENS
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.masks import decode_label_png

PATCH_TOKENS_REVISION = "r2"  # r2: whole 1280-d tokens, not a fixed 256-d projection


def poster_patch_tokens(embedder: ImageEmbedder, poster: spec.PosterInput) -> dict[str, list[dict]]:
    found = poster.upstream
    feature_map = whole_poster_map(embedder, poster)
    grid = feature_map.shape[0]
    roles = decode_label_png(found["composition"]["roles_png"].iloc[0])
    depth_rows = found["depth_maps"]
    depth = (
        patch_grid.depth_ranks(decode_depth_png(depth_rows["depth_png"].iloc[0]), grid)
        if len(depth_rows)
        else None
    )
    people = [box for label, box in labelled_boxes(found["objects"]) if label == "person"]
    height, width = roles.shape
    row = {
        "grid": grid,
        "dimensions": patch_grid.FEATURE_DIMENSIONS,
        "tokens_f16": patch_grid.encode_tokens(patch_grid.patch_tokens(feature_map)),
        "role_shares": patch_grid.role_shares(roles, grid).ravel().tolist(),
        "depth_rank": None if depth is None else depth.tolist(),
        "face_cover": patch_grid.box_cover(
            detection_boxes(found["faces"]), width, height, grid
        ).tolist(),
        "person_cover": patch_grid.box_cover(people, width, height, grid).tolist(),
    }
    return {"patch_tokens": [row]}


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    EFFICIENTNET_LITE3.path()  # says how to install it when missing
    return spec.PreparedStage(
        version=f"{PATCH_TOKENS_REVISION}+{ImageEmbedder.model_name}",
        load=lambda: functools.partial(
            poster_patch_tokens, load_image_embedder(streams=context.workers)
        ),
        model=ImageEmbedder.model_name,
    )


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["patch_tokens"]
    return {"token_dimensions": sorted(set(rows["dimensions"])) if len(rows) else []}


PATCH_TOKENS_STAGE = spec.StageSpec(
    name="patch_tokens", asset="patch_tokens", group="fusion", kinds=("openvino", "duckdb"),
    tables=(PATCH_TOKENS,), upstream=("depth", "faces", "objects", "composition"),
    reads=("composition", "depth_maps", "faces", "objects"), requires=("composition",),
    prepare=prepare, summarize=summarize, parallel=True,
    description="Each poster as 9 x 9 patch tokens (EfficientNet-Lite3's feature map, 1280-d "
    "float16) with each patch's composition role shares, depth rank and face and "
    "person cover: table `patch_tokens`, the fused encoder's image tokens and structure labels.",
)  # fmt: skip
