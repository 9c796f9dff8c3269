"""Submitting batches to Celery workers: each step of the per-batch job becomes a Celery task
that any worker may run. The job must be rebuilt by the workers from code, hence
`reconstructable` on a module-level function."""

from __future__ import annotations

from dagster import DagsterInstance, JobDefinition, execute_job, reconstructable

from poster_assets.defs.jobs import PROCESS_BATCH_CELERY_JOB
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.scale.celery_settings import CelerySettings


def process_batch_celery_job() -> JobDefinition:
    """Built from the environment (POSTER_ASSETS_HOME), as the workers build it."""
    from poster_assets.definitions import defs

    return defs.resolve_job_def(PROCESS_BATCH_CELERY_JOB)


def materialize_batches_on_celery(
    instance: DagsterInstance, batch_ids: list[str], settings: CelerySettings
) -> list[str]:
    """One run per batch, its steps executed by whichever workers take them; returns the
    failed runs. Blocks until each run ends."""
    failed = []
    for batch_id in batch_ids:
        instance.add_dynamic_partitions(BATCH_PARTITIONS_NAME, [batch_id])
        with execute_job(
            reconstructable(process_batch_celery_job),
            instance=instance,
            run_config={"execution": settings.executor_config()},
            tags={"dagster/partition": batch_id},
        ) as result:
            if not result.success:
                failed.append(f"{batch_id} (run {result.run_id})")
    return failed
