"""The depth stage: a relative depth map per poster, normalised and stored as 16-bit PNG."""

from __future__ import annotations

from collections.abc import Sequence

from poster_assets.analysis.stage_result import PosterFile, StageResult, run_per_poster
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.depth import DepthEstimator
from poster_assets.vision.depth import (
    encode_depth_png,
    normalise_depth,
    stored_size,
    summarise_depth,
)

DEPTH_STAGE = "depth"
DEPTH_COLUMNS = [
    "poster_id", "batch_id", "model", "model_version", "width", "height", "depth_png",
    "p10", "p50", "p90", "mean",
]  # fmt: skip


def run_depth(
    posters: Sequence[PosterFile],
    batch_id: str,
    estimator: DepthEstimator,
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    def estimate(poster: PosterFile) -> dict[str, list[dict]]:
        rgb = decode_image(read_image_bytes(poster.path)).rgb
        depth = normalise_depth(estimator.predict(rgb), estimator.ref.spec.larger_is_farther)
        summary = summarise_depth(depth)
        stored_width, stored_height = stored_size(depth.shape[1], depth.shape[0])
        row = {
            "model": estimator.ref.name,
            "model_version": estimator.ref.version,
            "width": stored_width,
            "height": stored_height,
            "depth_png": encode_depth_png(depth),
            "p10": summary.p10,
            "p50": summary.p50,
            "p90": summary.p90,
            "mean": summary.mean,
        }
        return {"depth_maps": [row]}

    return run_per_poster(
        posters,
        batch_id=batch_id,
        stage=DEPTH_STAGE,
        columns={"depth_maps": DEPTH_COLUMNS},
        process=estimate,
        show_progress=show_progress,
        workers=workers,
    )
