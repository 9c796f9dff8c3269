"""Runs the command line executes in its own process, recorded as runs of the UI's code
location: Dagster's `execute_in_process` records a run with no origin, which the UI shows as
"Manually launched" and leaves out of the Overview timeline. Here the run is created with the
origin `dagster dev -m poster_assets.definitions` gives its jobs, and tagged with the command
that launched it, then executed in this process as `execute_in_process` would."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from dagster import DagsterInstance, JobDefinition
from dagster._core.definitions.job_base import InMemoryJob
from dagster._core.execution.api import create_execution_plan, execute_run
from dagster._core.remote_origin import (
    ManagedGrpcPythonEnvCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.storage.dagster_run import DagsterRunStatus
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

CODE_LOCATION = "poster_assets.definitions"  # the module `poster-assets ui` serves
REPOSITORY = "__repository__"  # what Dagster names the repository of a `Definitions` object
LAUNCHED_BY_TAG = "poster_assets/launched_by"


def code_location_origin(job_name: str) -> RemoteJobOrigin:
    return RemoteJobOrigin(
        repository_origin=RemoteRepositoryOrigin(
            code_location_origin=ManagedGrpcPythonEnvCodeLocationOrigin(
                LoadableTargetOrigin(executable_path=sys.executable, module_name=CODE_LOCATION),
                location_name=CODE_LOCATION,
            ),
            repository_name=REPOSITORY,
        ),
        job_name=job_name,
    )


def run_in_process(
    job: JobDefinition,
    instance: DagsterInstance,
    run_config: Mapping[str, object],
    *,
    launched_by: str,
    partition_key: str | None = None,
) -> tuple[bool, str]:
    """Execute `job` here as a run of the code location; returns (succeeded, run id). A
    failure inside the run is recorded in the run, not raised."""
    tags = {LAUNCHED_BY_TAG: launched_by, **job.run_tags}
    if partition_key is not None:
        tags["dagster/partition"] = partition_key
    in_memory = InMemoryJob(job)
    run = instance.create_run_for_job(
        job_def=job,
        run_config=run_config,
        tags=tags,
        execution_plan=create_execution_plan(
            in_memory, run_config=run_config, instance_ref=instance.get_ref(), tags=tags
        ),
        remote_job_origin=code_location_origin(job.name),
    )
    result = execute_run(in_memory, run, instance, raise_on_error=False)
    return result.dagster_run.status == DagsterRunStatus.SUCCESS, run.run_id
