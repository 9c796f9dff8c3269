"""The depth stage: a relative depth map per poster, normalised and stored as 16-bit PNG."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from tqdm import tqdm

from poster_assets.analysis.stage_result import StageResult, failure_frame, failure_row
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
    posters: Sequence[tuple[str, str]],
    batch_id: str,
    estimator: DepthEstimator,
    show_progress: bool = True,
) -> StageResult:
    rows: list[dict] = []
    done: list[str] = []
    failures: list[dict] = []
    for poster_id, path in tqdm(posters, desc=f"depth {batch_id}", disable=not show_progress):
        try:
            rgb = decode_image(read_image_bytes(path)).rgb
            depth = normalise_depth(estimator.predict(rgb), estimator.ref.spec.larger_is_farther)
            summary = summarise_depth(depth)
            stored_width, stored_height = stored_size(depth.shape[1], depth.shape[0])
            rows.append(
                {
                    "poster_id": poster_id,
                    "batch_id": batch_id,
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
            )
            done.append(poster_id)
        except Exception as error:  # noqa: BLE001 - recorded per poster, the batch goes on
            failures.append(failure_row(batch_id, DEPTH_STAGE, path, poster_id, error))
    return StageResult(
        tables={"depth_maps": pd.DataFrame(rows, columns=DEPTH_COLUMNS)},
        done=done,
        failures=failure_frame(failures),
    )
