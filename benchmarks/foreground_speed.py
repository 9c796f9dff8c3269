"""Per-stage time per poster for faces, objects, foreground and embeddings on real posters,
with a simpler baseline for each in the same run, and each model's load+compile time in a
fresh process without and with OpenVINO's model cache.

    python benchmarks/foreground_speed.py ../shared/data/posters [--n 50]

Foreground is timed from saliency and detections (no depth, which depth_speed.py times);
its baseline is GrabCut started from a rectangle. The embeddings baseline is the single
whole-poster pass; the full stage adds the foreground crop's pass and the pooled regions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import pandas as pd

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.foreground import grabcut_from_rectangle
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.detectors import FaceDetector, ObjectDetector
from poster_assets.models.embedder import ImageEmbedder
from poster_assets.stages.embeddings import poster_embeddings
from poster_assets.stages.foreground import poster_foreground
from poster_assets.timing import median_p90_ms
from poster_assets.vision.depth import stored_size

LOAD_SNIPPET = """
import sys, time
from pathlib import Path
from poster_assets.models.detectors import FaceDetector, ObjectDetector
from poster_assets.models.embedder import ImageEmbedder
model = {"faces": FaceDetector, "objects": ObjectDetector, "embeddings": ImageEmbedder}
start = time.perf_counter()
model[sys.argv[1]](Path(sys.argv[2]) if len(sys.argv) > 2 else None)
print(time.perf_counter() - start)
"""
BOX_COLUMNS = ["label", "x0", "y0", "x1", "y1"]


def _load_seconds(stage: str, cache_dir: Path | None) -> float:
    args = [sys.executable, "-c", LOAD_SNIPPET, stage] + ([str(cache_dir)] if cache_dir else [])
    return float(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def _timed(into: list[float], work: Callable[..., object], *args: object) -> object:
    start = time.perf_counter()
    result = work(*args)
    into.append(time.perf_counter() - start)
    return result


def _frame(detections: list) -> pd.DataFrame:
    return pd.DataFrame([(found.label, *found.box) for found in detections], columns=BOX_COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    loads = {}
    for stage in ("faces", "objects", "embeddings"):
        with tempfile.TemporaryDirectory() as cache:
            _load_seconds(stage, Path(cache))  # fills the cache
            loads[stage] = {
                "load_s_without_cache": round(_load_seconds(stage, None), 2),
                "load_s_with_warm_cache": round(_load_seconds(stage, Path(cache)), 2),
            }
    faces, objects, embedder = FaceDetector(), ObjectDetector(), ImageEmbedder()
    times: dict[str, list[float]] = {
        name: []
        for name in (
            "faces", "objects", "foreground", "foreground_baseline_grabcut_rectangle",
            "embeddings_all_regions", "embeddings_baseline_whole_poster_only",
        )
    }  # fmt: skip
    labels = read_labels(args.corpus, limit=args.n)
    for image in labels["image"]:
        rgb = decode_image(read_image_bytes(args.corpus / image)).rgb
        found_faces = _timed(times["faces"], faces.detect, rgb)
        found_objects = _timed(times["objects"], objects.detect, rgb)
        result = _timed(
            times["foreground"],
            poster_foreground, rgb, None, _frame(found_faces), _frame(found_objects),
        )  # fmt: skip
        small = cv2.resize(rgb, stored_size(rgb.shape[1], rgb.shape[0]), cv2.INTER_AREA)
        _timed(times["foreground_baseline_grabcut_rectangle"], grabcut_from_rectangle, small)
        _timed(times["embeddings_all_regions"], poster_embeddings, rgb, result.mask, embedder)
        _timed(times["embeddings_baseline_whole_poster_only"], embedder.feature_map, rgb)
    report = {"posters": len(labels), **{name: median_p90_ms(s) for name, s in times.items()}}
    report["model_load"] = loads
    report["median_total_ms_per_poster"] = round(
        1000 * sum(statistics.median(times[name]) for name in
                   ("faces", "objects", "foreground", "embeddings_all_regions")), 1
    )  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
