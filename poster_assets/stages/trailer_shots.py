"""The trailer-shots stage: each trailer cut into shots (`video/shots.py`), with the frame
that stands for each shot. Posters without a trailer are done with no rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple
from pathlib import PurePath

import pandas as pd

from poster_assets.stages import spec
from poster_assets.stages.tables import TRAILER_SHOTS
from poster_assets.video.reading import read_frames, video_info
from poster_assets.video.shots import (
    CutSettings,
    change_scores,
    find_cuts,
    frame_signature,
    shots_from_cuts,
)

TRAILER_SHOTS_REVISION = "r1"


def trailer_shots(path: str) -> list[dict]:
    fps = video_info(path).fps
    scores = change_scores(frame_signature(frame) for _, frame in read_frames(path))
    return [
        {
            "shot_index": shot.index,
            "start_frame": shot.start_frame,
            "end_frame": shot.end_frame,
            "start_s": round(shot.start_frame / fps, 3),
            "end_s": round(shot.end_frame / fps, 3),
            "keyframe": shot.keyframe,
            "cut_change": float(scores[shot.start_frame]) if shot.index else 0.0,
        }
        for shot in shots_from_cuts(find_cuts(scores), len(scores))
    ]


def poster_trailer_shots(poster: spec.PosterInput) -> dict[str, list[dict]]:
    trailer = poster.upstream["trailers"]
    return {"trailer_shots": trailer_shots(str(trailer["path"].iloc[0])) if len(trailer) else []}


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    version = f"{TRAILER_SHOTS_REVISION}+cuts{'-'.join(map(str, astuple(CutSettings())))}"
    return spec.PreparedStage(version, spec.ready(poster_trailer_shots))


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["trailer_shots"]
    return {"trailers": int(rows["poster_id"].nunique()) if len(rows) else 0}


def listing(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """A line per trailer: its poster, shots and length."""
    rows = tables["trailer_shots"]
    if not len(rows):
        return pd.DataFrame({"trailers": ["none in this batch"]})
    per = rows.groupby(["poster_id", "poster_path"], as_index=False).agg(
        shots=("shot_index", "count"), seconds=("end_s", "max")
    )
    return pd.DataFrame(
        {
            "poster": per["poster_id"].str[:12],
            "file": [PurePath(path).name for path in per["poster_path"]],
            "shots": per["shots"],
            "seconds": per["seconds"].round(1),
        }
    )


TRAILER_SHOTS_STAGE = spec.StageSpec(
    name="trailer_shots", asset="trailer_shots", group="trailers", kinds=("opencv", "duckdb"),
    tables=(TRAILER_SHOTS,), reads=("trailers",), prepare=prepare, summarize=summarize,
    listing=listing, parallel=True,
    description="Each poster's trailer (table `trailers`: a video beside it with the same "
    "file stem, or paired by `ingest --trailers CSV`) cut into shots by colour and layout "
    "change between frames: table `trailer_shots`. Posters without a trailer have no rows.",
)  # fmt: skip
