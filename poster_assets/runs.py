"""Run the asset graph in-process for a folder: register batches, add their partitions, and
materialize each one against the home's Dagster instance (so the UI shows these runs too, as
runs of its code location)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus, JobDefinition, RunsFilter
from filelock import FileLock, Timeout

from poster_assets.corpus.batching import chunk, new_batch_id
from poster_assets.corpus.discovery import list_image_files
from poster_assets.corpus.path_text import path_text
from poster_assets.corpus.trailers import folder_trailers
from poster_assets.definitions import build_definitions
from poster_assets.defs.abandoned_runs import fail_abandoned_runs
from poster_assets.defs.jobs import PRETRAIN_JOB, PROCESS_BATCH_JOB
from poster_assets.defs.located_runs import run_in_process
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.defs.resources import PosterCompute, home_store
from poster_assets.home import PosterHome
from poster_assets.store.batches import all_batch_ids, batch_ids_from, register_batches
from poster_assets.store.opening import open_database
from poster_assets.store.posters import BatchSummary, record_unreadable_folders, summarize_batch
from poster_assets.store.trailers import register_trailer_files

DEFAULT_BATCH_SIZE = 1000
LAUNCHED_BY = "poster-assets command line"  # the runs' tag, shown in the UI
BATCH_WAIT_S = 6 * 3600  # how long a run waits for another process running the same batch


@dataclass
class IngestReport:
    directory: str
    files_found: int
    unchanged_skipped: int
    ignored_other_extensions: int
    unreadable_dirs: list[str]
    videos_found: int = 0  # trailers, matched to posters by file stem
    batches: list[BatchSummary] = field(default_factory=list)
    failed_runs: list[str] = field(default_factory=list)
    resumed_batches: list[str] = field(default_factory=list)  # earlier, unfinished, run again

    @property
    def new_posters(self) -> int:
        return sum(summary.new_posters for summary in self.batches)

    @property
    def already_known(self) -> int:
        return sum(summary.already_known for summary in self.batches)

    @property
    def failed_files(self) -> int:
        return sum(summary.failed for summary in self.batches)


def ingest_directory(
    home: PosterHome,
    directory: Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    quiet_dagster_logs: bool = True,
    asset_config: Mapping[str, Mapping[str, object]] | None = None,
    compute: PosterCompute | None = None,
) -> IngestReport:
    """Files already registered unchanged are skipped; the rest become batches of at most
    `batch_size` files, each materialized by one in-process run. `asset_config` maps asset
    names to their config (e.g. {"ocr_lines": {"det_box_thresh": 0.3}}); `compute` says how
    stages run (default: one poster per CPU core at once)."""
    home.ensure()
    listing = list_image_files(directory)
    planned = [(new_batch_id(), files) for files in chunk(listing.files, batch_size)]
    db = open_database(home)
    record_unreadable_folders(db, path_text(directory.resolve()), listing.unreadable_dirs)
    register_trailer_files(db, folder_trailers(listing.videos))
    with ExitStack() as owned:
        # Ours from before they are registered: another ingest's resume skips them.
        for batch_id, _ in planned:
            owned.enter_context(batch_lock(home, batch_id).acquire(0))
        registered = register_batches(db, planned, source="cli", source_dir=path_text(directory))
        report = IngestReport(
            directory=path_text(directory),
            files_found=len(listing.files),
            unchanged_skipped=len(listing.files) - sum(len(paths) for paths in registered.values()),
            ignored_other_extensions=listing.ignored_other_extensions,
            unreadable_dirs=listing.unreadable_dirs,
            videos_found=len(listing.videos),
        )
        # Earlier CLI batches whose run was killed or failed are finished first.
        resumed = [batch for batch in unfinished_batches(home) if batch not in registered]
        report.resumed_batches = resumed
        report.failed_runs = materialize_batches(
            home, resumed, quiet_dagster_logs, asset_config, skip_if_running=True, compute=compute
        ) + materialize_batches(
            home, list(registered), quiet_dagster_logs, asset_config, compute=compute
        )
    report.batches = [summarize_batch(db, batch_id) for batch_id in registered]
    return report


def unfinished_batches(home: PosterHome) -> list[str]:
    """CLI batches whose newest run did not succeed (killed, crashed or failed) or that never
    ran. The sensor's batches are left to the daemon. Runs whose process died are marked
    failed first, so they no longer hold run slots."""
    instance = open_instance(home)
    fail_abandoned_runs(instance)
    unfinished = []
    for batch_id in batch_ids_from(open_database(home), "cli"):
        runs = instance.get_runs(
            filters=RunsFilter(job_name=PROCESS_BATCH_JOB, tags={"dagster/partition": batch_id}),
            limit=1,
        )
        if not runs or runs[0].status != DagsterRunStatus.SUCCESS:
            unfinished.append(batch_id)
    return unfinished


def batch_lock(home: PosterHome, batch_id: str) -> FileLock:
    """Held while a process owns the batch (from planning it to its run's end); the OS
    releases it if the process dies, which is how a killed run is told apart from one still
    running elsewhere. One object per batch and process, so the owner re-enters it."""
    folder = home.root / "batch_locks"
    folder.mkdir(exist_ok=True)
    return FileLock(str(folder / f"{batch_id}.lock"), is_singleton=True)


def open_instance(home: PosterHome) -> DagsterInstance:
    """The home's Dagster instance. Its SQLite storages are created on first use, and two
    processes doing that at once collide ("table already exists"), so the first touch of each
    storage happens under a cross-process lock."""
    with FileLock(str(home.dagster_home / ".init.lock"), timeout=120):
        instance = DagsterInstance.from_config(str(home.dagster_home))
        instance.get_runs(limit=1)
        instance.get_dynamic_partitions(BATCH_PARTITIONS_NAME)
        instance.all_instigator_state()
    return instance


def _job_and_run_config(
    home: PosterHome,
    job_name: str,
    asset_config: Mapping[str, Mapping[str, object]] | None,
    quiet_dagster_logs: bool,
    compute: PosterCompute | None = None,
) -> tuple[JobDefinition, dict[str, object]]:
    """The home's job, and run config carrying each asset's config (and quieter logs)."""
    definitions = build_definitions(home_store(home), None, compute)
    job = definitions.resolve_job_def(job_name)
    run_config: dict[str, object] = {
        "ops": {name: {"config": dict(config)} for name, config in (asset_config or {}).items()}
    }
    if quiet_dagster_logs:
        run_config["loggers"] = {"console": {"config": {"log_level": "WARNING"}}}
    if compute is not None and compute.library_defaults and job_name == PROCESS_BATCH_JOB:
        # The bench's baseline is the code before issue 15: one step after another.
        run_config["execution"] = {"config": {"max_concurrent": 1}}
    return job, run_config


def materialize_batches(
    home: PosterHome,
    batch_ids: list[str],
    quiet_dagster_logs: bool = True,
    asset_config: Mapping[str, Mapping[str, object]] | None = None,
    skip_if_running: bool = False,
    compute: PosterCompute | None = None,
) -> list[str]:
    """Run the whole graph for each batch (adding its partition if needed); stages skip the
    posters they already finished at their current version. A batch another live process is
    running is waited for (then rerun: quick, its work is done), or skipped with
    `skip_if_running`. Returns the failed runs."""
    if not batch_ids:
        return []
    instance = open_instance(home)
    job, run_config = _job_and_run_config(
        home, PROCESS_BATCH_JOB, asset_config, quiet_dagster_logs, compute
    )
    failed = []
    for batch_id in batch_ids:
        try:
            with batch_lock(home, batch_id).acquire(0 if skip_if_running else BATCH_WAIT_S):
                instance.add_dynamic_partitions(BATCH_PARTITIONS_NAME, [batch_id])
                succeeded, run_id = run_in_process(
                    job, instance, run_config, launched_by=LAUNCHED_BY, partition_key=batch_id
                )
        except Timeout:
            continue  # another live process is running this batch now
        if not succeeded:
            failed.append(f"{batch_id} (run {run_id})")
    return failed


def run_pretraining(
    home: PosterHome,
    asset_config: Mapping[str, Mapping[str, object]] | None = None,
    quiet_dagster_logs: bool = True,
    job_name: str = PRETRAIN_JOB,
) -> str | None:
    """Run the `pretrain` job (training sets, encoder, probe) or another training job
    (`train_fusion`) in process against the home's instance; returns the failed run's id, or
    None."""
    instance = open_instance(home)
    job, run_config = _job_and_run_config(home, job_name, asset_config, quiet_dagster_logs)
    succeeded, run_id = run_in_process(job, instance, run_config, launched_by=LAUNCHED_BY)
    return None if succeeded else run_id


def process_corpus(
    home: PosterHome,
    directory: Path,
    asset_config: Mapping[str, Mapping[str, object]] | None = None,
) -> list[str]:
    """Ingest `directory`, then rerun the home's earlier batches too (their stages redo only
    what changed version), so that every poster is current: what evaluations need. Returns
    the failed runs."""
    ingested = ingest_directory(home, directory, asset_config=asset_config)
    new = {summary.batch_id for summary in ingested.batches} | set(ingested.resumed_batches)
    earlier = [batch for batch in all_batch_ids(open_database(home)) if batch not in new]
    return ingested.failed_runs + materialize_batches(home, earlier, asset_config=asset_config)


def refresh_batches(
    home: PosterHome, compute: PosterCompute | None = None
) -> tuple[int, list[str]]:
    """Rerun every batch of the home, the sensor's too: stages fill in what is missing or out
    of date (depth after a depth model was registered, a stage whose version changed) and skip
    the rest. Returns the number of batches and the failed runs."""
    batch_ids = all_batch_ids(open_database(home))
    return len(batch_ids), materialize_batches(home, batch_ids, compute=compute)
