"""Time per trailer of the two trailer stages on generated trailers over real posters, at a
small and a 720p frame size, beside a baseline in the same run: decoding every frame and
doing nothing with it (what cutting into shots adds to reading the video).

    python benchmarks/trailer_speed.py ../shared/data/posters [--n 5] [--seconds 30]

Prints JSON: medians over the trailers of seconds per trailer and milliseconds per second
of video, per frame size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from poster_assets.corpus.discovery import list_image_files
from poster_assets.models.embedder import load_image_embedder
from poster_assets.models.ocr import load_ocr_engine
from poster_assets.stages.spec import PosterInput
from poster_assets.stages.trailer_frames import poster_trailer_frames
from poster_assets.stages.trailer_shots import trailer_shots
from poster_assets.video.generated import FPS, write_trailer
from poster_assets.video.reading import read_frames

SIZES = {"320x180": (320, 180), "1280x720": (1280, 720)}


def _timed(work: Callable[..., object], *args: object) -> tuple[object, float]:
    start = time.perf_counter()
    result = work(*args)
    return result, time.perf_counter() - start


def _decode_all(path: str) -> int:
    return sum(1 for _ in read_frames(path))


def _frames_input(path: Path, shots: list[dict]) -> PosterInput:
    """What the frames stage gets for a poster whose trailer is `path`."""
    upstream = {
        "trailers": pd.DataFrame({"path": [str(path)]}),
        "trailer_shots": pd.DataFrame(shots),
        "titles": pd.DataFrame({"title_text": ["THE TITLE"]}),
        "metadata": pd.DataFrame({"title": []}),
    }
    return PosterInput("bench", "bench", str(path), 1, 1, None, upstream)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    paths = [entry.path for entry in list_image_files(args.corpus / "images").files]
    rng = np.random.default_rng(0)
    load_image_embedder()  # loaded before timing, as a running stage has it
    load_ocr_engine()  # loaded before timing, as a running stage has it
    shots_per_trailer = max(2, int(args.seconds * FPS / 22))  # shots of 8-36 frames
    report: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, size in SIZES.items():
            times: dict[str, list[float]] = {"decode_only": [], "shots": [], "frames": []}
            lengths = []
            for index in range(args.n):
                images = [cv2.imread(paths[int(i)]) for i in rng.choice(len(paths), 6, False)]
                trailer = write_trailer(
                    Path(scratch) / f"{name}-{index}.mp4", images, "THE TITLE", index,
                    shots=shots_per_trailer, size=size,
                )  # fmt: skip
                lengths.append(trailer.frame_count / FPS)
                _, took = _timed(_decode_all, str(trailer.path))
                times["decode_only"].append(took)
                shots, took = _timed(trailer_shots, str(trailer.path))
                times["shots"].append(took)
                poster = _frames_input(trailer.path, shots)  # type: ignore[arg-type]
                _, took = _timed(poster_trailer_frames, load_image_embedder, poster)
                times["frames"].append(took)
            seconds = statistics.median(lengths)
            report[name] = {"video_seconds": round(seconds, 1)} | {
                f"{stage}_s": round(statistics.median(values), 3)
                for stage, values in times.items()
            } | {
                f"{stage}_ms_per_video_s": round(1000 * statistics.median(values) / seconds, 1)
                for stage, values in times.items()
            }  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
