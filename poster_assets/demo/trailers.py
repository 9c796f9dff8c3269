"""Trailers for the first demo posters (`video/generated.py`): each pans over its own poster
and others, with a title card of its title; true cuts in `trailers.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path

import cv2

from poster_assets.video.generated import GeneratedTrailer, write_trailer

DEMO_TRAILERS = 3


def write_demo_trailers(corpus: Path, count: int = DEMO_TRAILERS) -> list[GeneratedTrailer]:
    """`<key>.mp4` beside `<key>.jpg` for the first `count` posters of a demo corpus."""
    with open(corpus / "ground_truth.jsonl") as handle:
        posters = [json.loads(line) for line in handle]
    images = [cv2.imread(str(corpus / "images" / poster["image"])) for poster in posters]
    written = []
    for index, poster in enumerate(posters[:count]):
        others = [images[index], *images[index + 1 : index + 4]]
        written.append(
            write_trailer(
                corpus / "images" / f"{poster['poster_key']}.mp4", others, poster["title"], index
            )
        )
    with open(corpus / "trailers.jsonl", "w") as handle:
        for poster, trailer in zip(posters, written, strict=False):
            truth = {
                "poster_key": poster["poster_key"],
                "cuts": trailer.cuts,
                "frame_count": trailer.frame_count,
                "title_card_shot": trailer.title_card_shot,
            }
            handle.write(json.dumps(truth) + "\n")
    return written
