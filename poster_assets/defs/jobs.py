"""Four jobs: one runs the per-batch graph for one batch partition in one process (a process
per step cost seconds each: models loaded again, the store reopened), independent steps side
by side (`dagster-async-executor`: the steps left ~12 % of the two cores idle), its twin
runs the same steps on Celery workers (scale-out), `pretrain` builds the training sets
from the whole store, trains an encoder and probes it, and `train_fusion` trains the fused
encoder on the stored tokens and probes it."""

from dagster import AssetSelection, define_asset_job
from dagster_async_executor import async_executor
from dagster_celery import celery_executor

from poster_assets.defs.fusion_assets import FUSION_TRAINING_GROUP
from poster_assets.defs.ssl_assets import PRETRAINING_GROUP

PROCESS_BATCH_JOB = "process_batch"
PROCESS_BATCH_CELERY_JOB = "process_batch_celery"
PRETRAIN_JOB = "pretrain"
TRAIN_FUSION_JOB = "train_fusion"
PER_BATCH_ASSETS = AssetSelection.all() - AssetSelection.groups(
    PRETRAINING_GROUP, FUSION_TRAINING_GROUP
)

process_batch_job = define_asset_job(
    PROCESS_BATCH_JOB,
    selection=PER_BATCH_ASSETS,
    executor_def=async_executor,
    description="Materialize every per-batch asset of the graph for one ingest batch, every "
    "step in the run's one process, steps that do not wait on each other side by side "
    "(stages spread posters over the `compute` workers).",
)
process_batch_celery_job = define_asset_job(
    PROCESS_BATCH_CELERY_JOB,
    selection=PER_BATCH_ASSETS,
    executor_def=celery_executor,
    description="The per-batch graph with each step sent to Celery workers (docs/scaling.md); "
    "give the broker and backend under `execution.config`.",
)
pretrain_job = define_asset_job(
    PRETRAIN_JOB,
    selection=AssetSelection.groups(PRETRAINING_GROUP),
    description="Build the structured training sets, pretrain an encoder, embed and probe.",
)
train_fusion_job = define_asset_job(
    TRAIN_FUSION_JOB,
    selection=AssetSelection.groups(FUSION_TRAINING_GROUP),
    description="Train the fused encoder on the stored patch and text tokens, embed and probe.",
)
