"""One benchmarked way of running the graph over a folder, in a process of its own (so that
its peak memory and model loads are its own): load and compile the models into a cold cache,
ingest, and read back what each stage's runs recorded.

    python -m poster_assets.bench.path_run PATH_NAME HOME FOLDER  (prints JSON)
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np
from dagster import DagsterEventType

from poster_assets.defs.resources import PosterCompute
from poster_assets.home import PosterHome
from poster_assets.models.depth import load_depth_estimator
from poster_assets.models.detectors import load_face_detector, load_object_detector
from poster_assets.models.embedder import load_image_embedder
from poster_assets.models.ocr import (
    RAPIDOCR_DEFAULTS,
    RuntimeMode,
    load_ocr_engine,
    read_text_lines,
)
from poster_assets.models.registry import registered_depth_model
from poster_assets.runs import ingest_directory, open_instance
from poster_assets.stages.ocr import OcrStageSettings
from poster_assets.stages.registry import STAGES
from poster_assets.stages.runner import worker_pool
from poster_assets.timing import median_p90_ms


@dataclass(frozen=True)
class PathSpec:
    """How a path batches posters and runs its stages."""

    description: str
    one_poster_per_batch: bool
    compute: PosterCompute
    asset_config: Mapping[str, Mapping[str, object]] = field(default_factory=dict)


def _config_value(value: object) -> object:
    """A setting as Dagster's run config takes it: an enum by its value."""
    return value.value if isinstance(value, Enum) else value


# The stage settings before the throughput work: rapidocr's own detection size, angle
# classifier, recogniser widths, batches and characters; GrabCut's 4 rounds; scikit-learn's
# K-means.
SETTINGS_BEFORE = {
    "ocr_lines": {
        name: _config_value(getattr(RAPIDOCR_DEFAULTS, name))
        for name in (
            "det_limit_side_len",
            "use_angle_cls",
            "rec_min_width",
            "rec_width_step",
            "rec_batch_size",
            "rec_characters",
            "vertical_both_ways",
        )
    },
    "foreground": {"grabcut_iterations": 4},
    "layers": {"kmeans": "lloyd"},
}


PATHS = {
    "naive": PathSpec(
        "one poster at a time through each stage (a batch and run per poster, in one process), "
        "one worker, OpenVINO and rapidocr library defaults, models loaded once",
        one_poster_per_batch=True,
        compute=PosterCompute(library_defaults=True),
        asset_config=SETTINGS_BEFORE,
    ),
    "batched_defaults": PathSpec(
        "one run for all posters, one step after another, each stage one poster at a time, "
        "library defaults and the OCR settings before the throughput work (the code before it)",
        one_poster_per_batch=False,
        compute=PosterCompute(library_defaults=True),
        asset_config=SETTINGS_BEFORE,
    ),
    "tuned": PathSpec(
        "one run for all posters, steps that do not wait on each other side by side, each "
        "stage one poster per core at once (threads; "
        "pre/post-processing, GrabCut and SLIC overlap), each poster decoded once per run, "
        "a single-threaded, unpinned OCR engine per thread, the stages' default settings",
        one_poster_per_batch=False,
        compute=PosterCompute(),
    ),
}
STAGE_ASSETS = [stage.asset for stage in STAGES]


def load_models(home: PosterHome, spec: PathSpec) -> dict[str, float]:
    """Seconds to load and compile each network: the depth network into the home's new cache,
    packaged ones from the per-user cache (cold only on a machine's first run); rapidocr
    builds its sessions on first use, so OCR is timed over one call. A tuned OCR engine is
    per thread, so it is built in a stage worker thread, which keeps it for the run."""
    seconds: dict[str, float] = {}
    cache = home.openvino_cache_dir
    ref = registered_depth_model(home.models_dir)
    mode = RuntimeMode.of(spec.compute.library_defaults)
    workers = spec.compute.worker_count()
    ocr_settings = OcrStageSettings(**spec.asset_config.get("ocr_lines", {})).ocr_settings()

    def warm_ocr() -> None:
        engine = load_ocr_engine(ocr_settings, mode)
        read_text_lines(engine, np.full((64, 64, 3), 255, np.uint8))

    loaders = {
        "ocr": warm_ocr if workers == 1 else lambda: worker_pool(workers).submit(warm_ocr).result(),
        # With several workers these networks run a stream per worker, as the stages load them.
        "faces": lambda: load_face_detector(streams=workers),
        "objects": lambda: load_object_detector(streams=workers),
        "embeddings": lambda: load_image_embedder(streams=workers),
    }
    if ref is not None:
        loaders["depth"] = lambda: load_depth_estimator(ref, cache)
    for name, load in loaders.items():
        start = time.perf_counter()
        load()
        seconds[name] = round(time.perf_counter() - start, 2)
    return seconds


def stage_timings(home: PosterHome) -> dict[str, dict[str, float]]:
    """Per stage: the median and p90 of the per-poster milliseconds its runs recorded (for
    one-poster runs, every poster's own time) and the stage's total seconds in its steps."""
    instance = open_instance(home)
    recorded: dict[str, list[dict[str, float]]] = {}  # per stage, each run's median and p90
    step_seconds: dict[str, float] = {}
    for run in instance.get_runs():
        for event in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
            name = event.asset_materialization.asset_key.to_user_string()
            metadata = event.asset_materialization.metadata
            if name in STAGE_ASSETS and "this_run_median_ms_per_poster" in metadata:
                recorded.setdefault(name, []).append(
                    {
                        key: metadata[f"this_run_{key}_per_poster"].value
                        for key in ("median_ms", "p90_ms")
                    }
                )
        for step in instance.get_run_step_stats(run.run_id):
            if step.end_time and step.start_time:
                key = step.step_key
                step_seconds[key] = step_seconds.get(key, 0.0) + step.end_time - step.start_time
    timings = {}
    for name, runs in recorded.items():
        # One run: its own figures. One-poster runs: each run's median is that poster's time.
        one_run = len(runs) == 1
        timing = runs[0] if one_run else median_p90_ms([r["median_ms"] / 1000 for r in runs])
        timings[name] = {**timing, "step_s": round(step_seconds.get(name, 0.0), 2)}
    return {name: timings[name] for name in STAGE_ASSETS if name in timings}


def run_path(name: str, home: PosterHome, folder: Path) -> dict[str, object]:
    spec = PATHS[name]
    posters = sum(1 for entry in folder.iterdir() if entry.is_file())
    load_seconds = load_models(home, spec)
    run_started = time.perf_counter()
    report = ingest_directory(
        home,
        folder,
        batch_size=1 if spec.one_poster_per_batch else max(posters, 1),
        compute=spec.compute,
        asset_config=spec.asset_config,
    )
    finished = time.perf_counter()
    return {
        "path": name,
        "description": spec.description,
        "posters": report.new_posters,
        "failed_runs": report.failed_runs,
        "model_load_s": load_seconds,
        "run_s": round(finished - run_started, 2),
        "posters_per_s": round(report.new_posters / (finished - run_started), 3),
        "stages": stage_timings(home),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    path_name, home_dir, folder_dir = sys.argv[1:4]
    print(json.dumps(run_path(path_name, PosterHome(Path(home_dir)).ensure(), Path(folder_dir))))
