"""Runs whose process is gone (an ingest killed with SIGKILL, the UI stopped mid-run, a machine
restarted) stay STARTED in Dagster for ever and count against the instance's 4 concurrent runs,
so the sensor's next run waits QUEUED behind them. Dagster's run monitoring does not cover the
default run launcher or in-process runs, but every run records its process id in an engine
event ("Executing steps in process (pid: N)"): a run whose process no longer exists, or is a
newer process that reused the id, is marked failed and tagged abandoned, so that its batch is run
again (by the sensor for its batches, by `ingest` for the CLI's).

Only on the home's own SQLite instance: with a shared PostgreSQL instance a process id may be
another machine's."""

from __future__ import annotations

import os
from collections.abc import Iterator

from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter
from dagster._core.storage.runs import SqliteRunStorage

ABANDONED_TAG = "poster_assets/abandoned"
PARTITION_TAG = "dagster/partition"
UNFINISHED = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]
PID_REUSE_SLACK_S = 5.0  # /proc start times are rounded to the second


def process_start_time(pid: int) -> float | None:
    """When process `pid` started (epoch seconds); None when there is no such process, or only
    its zombie. Without /proc (not Linux) only whether it exists is known, and an existing one
    counts as old."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # exists, owned by someone else
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            fields = stat_file.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime"))
    except (OSError, StopIteration, IndexError):
        return 0.0
    if fields[0] == "Z":  # field 3: state; a zombie has finished, its parent not yet told
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime, in ticks


def run_process_id(instance: DagsterInstance, run_id: str) -> int | None:
    """The process that runs it: the first engine event that names one."""
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.engine_event_data if event is not None else None
        if data is not None and "pid" in data.metadata:
            return int(str(data.metadata["pid"].value))
    return None


def _abandoned(instance: DagsterInstance) -> Iterator[tuple[DagsterRun, int]]:
    for record in instance.get_run_records(filters=RunsFilter(statuses=UNFINISHED)):
        pid = run_process_id(instance, record.dagster_run.run_id)
        if pid is None or record.start_time is None:
            continue  # not started far enough to tell
        started = process_start_time(pid)
        if started is None or started > record.start_time + PID_REUSE_SLACK_S:
            yield record.dagster_run, pid


def fail_abandoned_runs(instance: DagsterInstance) -> list[DagsterRun]:
    """Mark the runs whose process is gone failed and abandoned; returns them."""
    if not isinstance(instance.run_storage, SqliteRunStorage):
        return []
    failed = []
    for run, pid in _abandoned(instance):
        instance.add_run_tags(run.run_id, {ABANDONED_TAG: "true"})
        instance.report_run_failed(
            run,
            f"its process ({pid}) is gone (killed, or the UI or machine stopped); marked failed "
            f"so that it no longer holds a run slot; its batch is run again",
        )
        failed.append(run)
    return failed


def batches_to_resume(instance: DagsterInstance, job_name: str) -> list[tuple[str, str]]:
    """(batch, abandoned run) for each batch whose newest run was abandoned."""
    resume = []
    abandoned = instance.get_runs(
        filters=RunsFilter(job_name=job_name, tags={ABANDONED_TAG: "true"})
    )
    for run in abandoned:
        batch_id = run.tags.get(PARTITION_TAG)
        if batch_id is None:
            continue
        [newest] = instance.get_runs(
            filters=RunsFilter(job_name=job_name, tags={PARTITION_TAG: batch_id}), limit=1
        )
        if newest.run_id == run.run_id:
            resume.append((batch_id, run.run_id))
    return resume
