"""The depth-quality stage: per poster, whether the depth map puts its people nearer than the
rest and how much of it is a left-right or top-bottom ramp; the batch's figures on the
asset's page tell a user when depth is not helping (PyDNet on posters is mostly a gradient)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from poster_assets.stages import spec
from poster_assets.stages.stored import detection_boxes
from poster_assets.stages.tables import DEPTH_MAPS, DEPTH_QUALITY, FACES, OBJECTS
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.depth_quality import depth_quality

DEPTH_QUALITY_REVISION = "r1"
SUBJECT_LABELS = ("person",)  # COCO objects counted as subjects, with every face
RAMP_R = 0.5  # |r| of a profile with its axis above which the map reads as a ramp


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    def judge(poster: spec.PosterInput) -> dict[str, list[dict]]:
        depth = decode_depth_png(poster.upstream["depth_maps"]["depth_png"].iloc[0])
        faces = poster.upstream["faces"]
        objects = poster.upstream["objects"]
        people = objects[objects["label"].isin(SUBJECT_LABELS)]
        boxes = detection_boxes(faces) + detection_boxes(people)
        quality = depth_quality(depth, boxes, (poster.width, poster.height))
        return {
            "depth_quality": [
                {
                    "column_r": quality.column_r,
                    "row_r": quality.row_r,
                    "subject_share": quality.subject_share,
                    "subject_depth": quality.subject_depth,
                    "rest_depth": quality.rest_depth,
                    "subject_nearer": quality.subject_nearer,
                }
            ]
        }

    return spec.PreparedStage(DEPTH_QUALITY_REVISION, spec.ready(judge))


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["depth_quality"]
    judged = rows["subject_nearer"].dropna().astype(bool)
    nearer = float(judged.mean()) if len(judged) else 0.0
    column_r = float(rows["column_r"].abs().mean()) if len(rows) else 0.0
    row_r = float(rows["row_r"].abs().mean()) if len(rows) else 0.0
    return {
        "people_nearer_rate": nearer,
        "posters_with_people": len(judged),
        "mean_abs_column_r": column_r,
        "mean_abs_row_r": row_r,
        "depth_verdict": (
            verdict(nearer, len(judged), column_r, row_r)
            if len(rows)
            else "no depth maps yet (which depth model to register: `poster-assets models list`)"
        ),
    }


def verdict(nearer: float, judged: int, column_r: float, row_r: float) -> str:
    """One line a person reads on the asset's page."""
    if not judged:
        return "no faces or people found: cannot tell whether depth follows the subjects"
    ramp = max(column_r, row_r) > RAMP_R
    helps = nearer >= 0.75 and not ramp
    return (
        f"people nearer than the rest on {nearer:.0%} of {judged} posters (chance: 50%); "
        f"mean |r| of the map with x {column_r:.2f}, with y {row_r:.2f}: "
        + (
            "depth follows the subjects"
            if helps
            else "depth is mostly a gradient prior here; "
            "a stronger model helps (`poster-assets models pull`)"
        )
    )


DEPTH_QUALITY_STAGE = spec.StageSpec(
    name="depth_quality", asset="depth_quality", group="layers", kinds=("python", "duckdb"),
    tables=(DEPTH_QUALITY,), upstream=("depth", "faces", "objects"),
    reads=(DEPTH_MAPS.name, FACES.name, OBJECTS.name), requires=(DEPTH_MAPS.name,),
    prepare=prepare, summarize=summarize,
    description="Whether each poster's depth map follows its content: how much nearer its "
    "faces and people are than the rest, and how much the map is a left-right or top-bottom "
    "ramp (table `depth_quality`); the page's `depth_verdict` says when depth is not helping.",
)  # fmt: skip
