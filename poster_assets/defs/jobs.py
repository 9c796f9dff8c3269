"""One job runs the whole graph for one batch partition."""

from dagster import AssetSelection, define_asset_job

PROCESS_BATCH_JOB = "process_batch"

process_batch_job = define_asset_job(
    PROCESS_BATCH_JOB,
    selection=AssetSelection.all(),
    description="Materialize every asset of the graph for one ingest batch.",
)
