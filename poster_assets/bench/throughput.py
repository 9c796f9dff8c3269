"""`poster-assets bench`: the whole graph over the same N posters along each path (PATHS),
each path in a fresh home and a process of its own, repeated in turns; then whether the
paths' rows agree. Prints one JSON document."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from poster_assets.bench.path_run import PATHS
from poster_assets.bench.same_outputs import compare_homes
from poster_assets.corpus.discovery import list_image_files
from poster_assets.errors import PosterAssetsError
from poster_assets.home import PosterHome
from poster_assets.models.registry import register_depth_model
from poster_assets.store.opening import open_database

BASELINES = ("naive", "batched_defaults")


class BenchError(PosterAssetsError, RuntimeError):
    """A path is unknown or its run failed (its stderr's end is in the message)."""


MEASURED = "tuned"


def sample_posters(source: Path, n: int, folder: Path) -> int:
    """The first `n` images under `source` in path order, copied into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = sorted(entry.path for entry in list_image_files(source).files)[:n]
    for index, path in enumerate(chosen):
        shutil.copyfile(path, folder / f"{index:06d}{Path(path).suffix.lower()}")
    return len(chosen)


def _run_path(name: str, home: PosterHome, folder: Path) -> dict[str, object]:
    started = time.perf_counter()
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "poster_assets.bench.path_run",
            name,
            str(home.root),
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise BenchError(f"bench path {name} failed:\n{finished.stderr[-4000:]}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = round(time.perf_counter() - started, 2)
    return result


def run_bench(
    source: Path,
    n: int,
    work: Path,
    depth_model: tuple[str, Path] | None,
    repeats: int = 1,
    paths: tuple[str, ...] = (*BASELINES, MEASURED),
) -> dict[str, object]:
    """Each repeat runs every path once, in turn, into fresh homes under `work`."""
    unknown = sorted(set(paths) - set(PATHS))
    if unknown:
        raise BenchError(f"unknown bench paths {unknown}; known: {sorted(PATHS)}")
    folder = work / "posters"
    posters = sample_posters(source, n, folder)
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in paths}
    homes: dict[str, PosterHome] = {}
    for repeat in range(repeats):
        for name in paths:
            home = PosterHome(work / f"{name}-{repeat}").ensure()
            if depth_model is not None:
                register_depth_model(home.models_dir, depth_model[0], depth_model[1])
            runs[name].append(_run_path(name, home, folder))
            homes[name] = home
    summary = {
        name: {
            "posters_per_s_median": statistics.median(r["posters_per_s"] for r in results),
            "posters_per_s_each": [r["posters_per_s"] for r in results],
            "description": results[0]["description"],
            "first_run": results[0],
        }
        for name, results in runs.items()
    }
    report: dict[str, object] = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
        "posters": posters,
        "depth_model": depth_model[0] if depth_model else None,
        "repeats": repeats,
        "paths": summary,
    }
    if MEASURED in runs:
        measured = summary[MEASURED]["posters_per_s_median"]
        report["speedup"] = {
            f"{MEASURED}_vs_{name}": round(measured / summary[name]["posters_per_s_median"], 2)
            for name in paths
            if name != MEASURED
        }
        report["same_outputs"] = {
            f"{MEASURED}_vs_{name}": {
                table: comparison.as_dict()
                for table, comparison in compare_homes(
                    open_database(homes[MEASURED]), open_database(homes[name])
                ).items()
            }
            for name in paths
            if name != MEASURED
        }
    return report
