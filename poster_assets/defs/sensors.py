"""Watch a folder for new posters; group them into batches and request a run per batch."""

import time
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from poster_assets.corpus.batching import FolderCursor, new_batch_id, plan_new_batches
from poster_assets.corpus.discovery import list_image_files
from poster_assets.corpus.path_text import path_text
from poster_assets.corpus.trailers import folder_trailers
from poster_assets.defs.abandoned_runs import batches_to_resume, fail_abandoned_runs
from poster_assets.defs.jobs import PROCESS_BATCH_JOB, process_batch_job
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME, batch_partitions
from poster_assets.defs.resources import PosterStore, WatchedFolder
from poster_assets.store.batches import (
    batch_ids_from,
    register_batches,
    sensor_batches_missing_from,
)
from poster_assets.store.posters import record_unreadable_folders
from poster_assets.store.trailers import register_trailer_files


def new_poster_files(
    context: SensorEvaluationContext, store: PosterStore, watched_folder: WatchedFolder
) -> SensorResult:
    listing = list_image_files(watched_folder.path)
    plan = plan_new_batches(
        listing.files,
        FolderCursor.from_json(context.cursor),
        now_ns=time.time_ns(),
        batch_size=watched_folder.batch_size,
        settle_seconds=watched_folder.settle_seconds,
    )
    db = store.database()
    root = path_text(Path(watched_folder.path).resolve())
    record_unreadable_folders(db, root, listing.unreadable_dirs)
    register_trailer_files(db, folder_trailers(listing.videos))  # matched by the batches' runs
    register_batches(
        db,
        [(new_batch_id(), batch) for batch in plan.batches],
        source="sensor",
        source_dir=root,
    )
    # Registered but never partitioned (this tick's, or a tick that died before returning).
    partitioned = set(context.instance.get_dynamic_partitions(BATCH_PARTITIONS_NAME))
    to_run = sensor_batches_missing_from(db, partitioned)
    # Runs whose process died free their slot, and their batches run again.
    fail_abandoned_runs(context.instance)
    to_resume = batches_to_resume(context.instance, PROCESS_BATCH_JOB)
    ours = set(batch_ids_from(db, "sensor")) if to_resume else set()
    resumed = [
        RunRequest(partition_key=batch_id, run_key=f"{batch_id}:after-{abandoned_run}")
        for batch_id, abandoned_run in to_resume
        if batch_id in ours
    ]
    if not to_run and not resumed:
        waiting = f"; {plan.waiting_to_settle} still settling" if plan.waiting_to_settle else ""
        return SensorResult(
            skip_reason=SkipReason(f"no new poster files in {watched_folder.path}{waiting}"),
            cursor=plan.cursor.to_json(),
        )
    return SensorResult(
        run_requests=[RunRequest(partition_key=batch_id, run_key=batch_id) for batch_id in to_run]
        + resumed,
        dynamic_partitions_requests=[batch_partitions.build_add_request(to_run)],
        cursor=plan.cursor.to_json(),
    )


def watched_folder_sensor(folder: str | None) -> SensorDefinition:
    """The sensor, described with the folder it watches (as the UI's Automation page shows
    it), or with how to set one."""
    where = (
        folder
        or "the folder in $POSTER_ASSETS_WATCH_DIR (not set: start the UI with "
        "`poster-assets ui --watch DIR`)"
    )
    return sensor(
        job=process_batch_job,
        minimum_interval_seconds=30,
        default_status=DefaultSensorStatus.STOPPED,
        description=f"New image files under {where} become batches and runs.",
    )(new_poster_files)
