"""Runs launched as the UI, the sensor and backfills launch them (the per-batch job with its
own executor, through `execute_job`) against `poster-assets ingest` on the same posters, and
a rerun of finished batches (what a backfill over complete partitions costs).

    python benchmarks/launched_runs.py POSTERS_DIR [--n 20] [--depth-path PYDNET_FILE]

Prints JSON: seconds for the in-process ingest, for the launched run of the same posters in a
fresh home, and for each of 3 reruns of that finished batch; the launched/ingest ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from dagster import DagsterInstance, JobDefinition, execute_job, reconstructable

from poster_assets.corpus.batching import new_batch_id
from poster_assets.corpus.discovery import list_image_files
from poster_assets.defs.jobs import PROCESS_BATCH_JOB
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.home import HOME_ENV_VAR, PosterHome
from poster_assets.models.registry import register_depth_model
from poster_assets.runs import ingest_directory, open_instance
from poster_assets.store.batches import register_batches
from poster_assets.store.opening import open_database


def process_batch_job() -> JobDefinition:
    """The job as a run worker builds it: from the definitions the UI loads."""
    from poster_assets.definitions import defs

    return defs.resolve_job_def(PROCESS_BATCH_JOB)


def _home(root: Path, depth_path: Path | None) -> PosterHome:
    home = PosterHome(root).ensure()
    if depth_path is not None:
        register_depth_model(home.models_dir, "pydnet", depth_path)
    return home


def _launched_run(instance: DagsterInstance, batch_id: str) -> float:
    started = time.perf_counter()
    with execute_job(
        reconstructable(process_batch_job),
        instance=instance,
        tags={"dagster/partition": batch_id},
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    ) as result:
        assert result.success, f"run {result.run_id} failed"
    return round(time.perf_counter() - started, 2)


def _ingest_part(folder: Path, root: Path, depth_path: Path | None) -> dict[str, object]:
    home = _home(root, depth_path)
    started = time.perf_counter()
    assert ingest_directory(home, folder).failed_runs == []
    return {"ingest_s": round(time.perf_counter() - started, 2)}


def _launched_part(folder: Path, root: Path, depth_path: Path | None) -> dict[str, object]:
    home = _home(root, depth_path)
    os.environ[HOME_ENV_VAR] = str(home.root)  # as `poster-assets ui` sets it
    batch_id = new_batch_id()
    files = list_image_files(folder).files
    register_batches(open_database(home), [(batch_id, files)], "sensor", str(folder))
    instance = open_instance(home)
    instance.add_dynamic_partitions(BATCH_PARTITIONS_NAME, [batch_id])
    return {
        "launched_run_s": _launched_run(instance, batch_id),
        "rerun_of_finished_batch_s": [_launched_run(instance, batch_id) for _ in range(3)],
    }


PARTS = {"ingest": _ingest_part, "launched": _launched_part}


def _in_own_process(part: str, folder: Path, root: Path, depth_path: Path | None) -> dict:
    """Each part in a fresh process, as a run worker is: no model loaded by the other."""
    command = [sys.executable, __file__, str(folder), "--part", part, "--root", str(root)]
    if depth_path is not None:
        command += ["--depth-path", str(depth_path)]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("posters", type=Path)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--depth-path", type=Path, default=None)
    parser.add_argument("--part", choices=sorted(PARTS), default=None)
    parser.add_argument("--root", type=Path, default=None)
    args = parser.parse_args()
    if args.part is not None:
        print(json.dumps(PARTS[args.part](args.posters, args.root, args.depth_path)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "posters"
        folder.mkdir()
        for path in sorted(entry.path for entry in list_image_files(args.posters).files)[: args.n]:
            shutil.copy(path, folder)
        found = {}
        for part in PARTS:
            found |= _in_own_process(part, folder, Path(scratch) / part, args.depth_path)
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).date().isoformat(),
                "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores",
                "posters": args.n,
                **found,
                "launched_vs_ingest": round(found["launched_run_s"] / found["ingest_s"], 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
