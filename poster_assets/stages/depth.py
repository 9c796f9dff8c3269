"""The depth stage: a relative depth map per poster from the home's registered network,
normalised (0 = nearest) and stored as a 16-bit PNG at most 192 px a side."""

from __future__ import annotations

import functools

from poster_assets.errors import ModelMissingError
from poster_assets.models.depth import DepthEstimator, DepthModelRef, load_depth_estimator
from poster_assets.models.registry import MISSING_DEPTH_MODEL, registered_depth_model
from poster_assets.stages import spec
from poster_assets.stages.tables import DEPTH_MAPS
from poster_assets.vision.depth import (
    encode_depth_png,
    normalise_depth,
    stored_size,
    summarise_depth,
)


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    ref = registered_depth_model(context.home.models_dir)
    if ref is None:
        raise ModelMissingError(MISSING_DEPTH_MODEL)

    def load() -> spec.ProcessPoster:
        estimator = load_depth_estimator(ref, context.home.openvino_cache_dir)
        return functools.partial(_estimate, estimator, ref)

    return spec.PreparedStage(ref.version, load, model=ref.version)


def _estimate(
    estimator: DepthEstimator, ref: DepthModelRef, poster: spec.PosterInput
) -> dict[str, list[dict]]:
    depth = normalise_depth(estimator.predict(poster.rgb), ref.spec.larger_is_farther)
    summary = summarise_depth(depth)
    stored_width, stored_height = stored_size(depth.shape[1], depth.shape[0])
    row = {
        "model": ref.name,
        "model_version": ref.version,
        "width": stored_width,
        "height": stored_height,
        "depth_png": encode_depth_png(depth),
        "p10": summary.p10,
        "p50": summary.p50,
        "p90": summary.p90,
        "mean": summary.mean,
    }
    return {"depth_maps": [row]}


DEPTH = spec.StageSpec(
    name="depth", asset="depth_maps", group="layers", kinds=("openvino", "duckdb"),
    tables=(DEPTH_MAPS,), prepare=prepare,
    description="A relative depth map per poster (table `depth_maps`, 16-bit PNG, 0 = nearest). "
    "Without a registered depth model nothing is computed and the metadata says how to get one.",
)  # fmt: skip
