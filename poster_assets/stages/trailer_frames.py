"""The trailer-frames stage: each shot's middle frame (the longest shots first, at most
MAX_FRAMES) as an ImageNet feature vector in the space of the poster's patch tokens, its OCR
text and whether it shows the poster's title (a title card): the fused encoder's frame
tokens."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath

import cv2
import numpy as np
import pandas as pd

from poster_assets.fusion.frame_tokens import MAX_FRAME_TOKENS
from poster_assets.fusion.patch_grid import encode_tokens
from poster_assets.imaging.preview import contact_sheet
from poster_assets.models.embedder import ImageEmbedder, load_image_embedder
from poster_assets.models.ocr import load_ocr_engine, read_text_lines
from poster_assets.models.packaged import EFFICIENTNET_LITE3
from poster_assets.stages import spec
from poster_assets.stages.stored import known_title
from poster_assets.stages.tables import THUMB_WIDTH, TITLES, TRAILER_FRAMES, TRAILER_SHOTS
from poster_assets.video.reading import read_frames, video_info
from poster_assets.vision.text_lines import contains_title

TRAILER_FRAMES_REVISION = "r1"
MAX_FRAMES = MAX_FRAME_TOKENS


def chosen_shots(shots: pd.DataFrame, limit: int = MAX_FRAMES) -> pd.DataFrame:
    """The `limit` longest shots, in time order: short shots are flashes and transitions."""
    length = shots["end_frame"] - shots["start_frame"]
    return shots.assign(length=length).nlargest(limit, "length").sort_values("shot_index")


def poster_title(found: Mapping[str, pd.DataFrame]) -> str | None:
    """The poster's known title, else the title read on it."""
    titles = found["titles"]
    read = str(titles["title_text"].iloc[0]) if len(titles) else ""
    return known_title(found["metadata"]) or read or None


def _thumbnail(bgr: np.ndarray) -> bytes:
    height = round(bgr.shape[0] * THUMB_WIDTH / bgr.shape[1])
    small = cv2.resize(bgr, (THUMB_WIDTH, height), interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()


def poster_trailer_frames(
    embedder: Callable[[], ImageEmbedder], poster: spec.PosterInput
) -> dict[str, list[dict]]:
    """`embedder` loads the network on the first poster with a trailer: most have none."""
    found = poster.upstream
    shots = found["trailer_shots"]
    if not len(shots) or not len(found["trailers"]):
        return {"trailer_frames": []}
    path = str(found["trailers"]["path"].iloc[0])
    fps = video_info(path).fps
    chosen = chosen_shots(shots)
    shot_of = dict(zip(chosen["keyframe"], chosen["shot_index"], strict=True))
    title = poster_title(found)
    engine = load_ocr_engine()
    rows = []
    for frame_index, bgr in read_frames(path, wanted=frozenset(shot_of)):
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        lines = sorted(read_text_lines(engine, rgb), key=lambda line: line.box[1])
        texts = [line.text for line in lines]
        rows.append(
            {
                "shot_index": int(shot_of[frame_index]),
                "frame_index": int(frame_index),
                "time_s": round(frame_index / fps, 3),
                "vector_f16": encode_tokens(embedder().feature_map(rgb).mean(axis=(0, 1))[None]),
                "text": " ".join(texts),
                "shows_title": bool(title) and contains_title(texts, title or ""),
                "thumbnail_jpeg": _thumbnail(bgr),
            }
        )
    return {"trailer_frames": rows}


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    EFFICIENTNET_LITE3.path()  # says how to install it when missing
    return spec.PreparedStage(
        version=f"{TRAILER_FRAMES_REVISION}+{ImageEmbedder.model_name}+max{MAX_FRAMES}",
        load=spec.ready(functools.partial(poster_trailer_frames, load_image_embedder)),
        model=ImageEmbedder.model_name,
    )


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["trailer_frames"]
    return {"title_card_frames": int(rows["shows_title"].sum()) if len(rows) else 0}


def listing(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """A line per trailer: frames kept and the text of its title card."""
    rows = tables["trailer_frames"]
    if not len(rows):
        return pd.DataFrame({"trailers": ["none in this batch"]})
    per = rows.groupby(["poster_id", "poster_path"], as_index=False).agg(
        frames=("frame_index", "count"),
        title_card=("text", lambda texts: next((text for text in texts if text), "")),
        shows_title=("shows_title", "any"),
    )
    return pd.DataFrame(
        {
            "poster": per["poster_id"].str[:12],
            "file": [PurePath(path).name for path in per["poster_path"]],
            "frames": per["frames"],
            "text read": per["title_card"],
            "title card": per["shows_title"],
        }
    )


def preview(rows: spec.RowReader, poster_ids: Sequence[str]) -> bytes | None:
    """The first trailer's frames, the title card's caption marked."""
    frames = rows.rows("trailer_frames", poster_ids)
    if not len(frames):
        return None
    first = frames[frames["poster_id"] == frames["poster_id"].iloc[0]].sort_values("shot_index")
    images = [
        cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]
        for data in first["thumbnail_jpeg"]
    ]
    captions = [
        f"{time:.1f}s" + (" TITLE" if shows else "")
        for time, shows in zip(first["time_s"], first["shows_title"], strict=True)
    ]
    return contact_sheet(images, captions, columns=4)


TRAILER_FRAMES_STAGE = spec.StageSpec(
    name="trailer_frames", asset="trailer_frames", group="trailers",
    kinds=("openvino", "duckdb"), tables=(TRAILER_FRAMES,),
    upstream=("trailer_shots", "titles"),
    reads=("trailers", TRAILER_SHOTS.name, TITLES.name, "metadata"),
    prepare=prepare, summarize=summarize, listing=listing, preview=preview,
    preview_caption="the first trailer's shots (middle frames); TITLE: reads as the title",
    description=f"The middle frame of each trailer shot (the {MAX_FRAMES} longest): an "
    "EfficientNet-Lite3 feature vector (the space of the poster's patch tokens), its OCR text "
    "and whether it reads as the poster's title (a title card): table `trailer_frames`, the "
    "fused encoder's frame tokens.",
)  # fmt: skip
