"""Two jobs: one runs the per-batch graph for one batch partition; `pretrain` builds the
training sets from the whole store, trains an encoder and probes it."""

from dagster import AssetSelection, define_asset_job

from poster_assets.defs.ssl_assets import PRETRAINING_GROUP

PROCESS_BATCH_JOB = "process_batch"
PRETRAIN_JOB = "pretrain"

process_batch_job = define_asset_job(
    PROCESS_BATCH_JOB,
    selection=AssetSelection.all() - AssetSelection.groups(PRETRAINING_GROUP),
    description="Materialize every per-batch asset of the graph for one ingest batch.",
)
pretrain_job = define_asset_job(
    PRETRAIN_JOB,
    selection=AssetSelection.groups(PRETRAINING_GROUP),
    description="Build the structured training sets, pretrain an encoder, embed and probe.",
)
