"""Assembles the Dagster definitions; holds no logic."""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor

from poster_assets.defs.fusion_assets import fusion_embeddings, fusion_encoder, fusion_genre_probe
from poster_assets.defs.index_assets import embedding_index
from poster_assets.defs.ingest_assets import posters
from poster_assets.defs.jobs import (
    pretrain_job,
    process_batch_celery_job,
    process_batch_job,
    train_fusion_job,
)
from poster_assets.defs.resources import (
    PosterCompute,
    PosterStore,
    WatchedFolder,
    environment_store,
)
from poster_assets.defs.sensors import watched_folder_sensor
from poster_assets.defs.ssl_assets import (
    ssl_embeddings,
    ssl_encoder,
    ssl_genre_probe,
    ssl_labels,
    ssl_layer_patches,
    ssl_salient_crops,
    ssl_text_pairs,
    ssl_view_pairs,
)
from poster_assets.defs.stage_assets import STAGE_ASSETS

WATCH_DIR_ENV_VAR = "POSTER_ASSETS_WATCH_DIR"


def build_definitions(
    store: PosterStore,
    watched_folder: WatchedFolder | None,
    compute: PosterCompute | None = None,
) -> Definitions:
    """Without a watched folder (in-process CLI runs) the sensor is left out."""
    resources: dict[str, object] = {"store": store, "compute": compute or PosterCompute()}
    if watched_folder is not None:
        resources["watched_folder"] = watched_folder
    return Definitions(
        assets=[
            posters,
            *STAGE_ASSETS,
            ssl_embeddings,
            embedding_index,
            ssl_view_pairs,
            ssl_layer_patches,
            ssl_salient_crops,
            ssl_text_pairs,
            ssl_labels,
            ssl_encoder,
            ssl_genre_probe,
            fusion_embeddings,
            fusion_encoder,
            fusion_genre_probe,
        ],
        jobs=[process_batch_job, process_batch_celery_job, pretrain_job, train_fusion_job],
        sensors=[watched_folder_sensor(_folder(watched_folder))] if watched_folder else [],
        resources=resources,
        # Runs the UI, the sensor and backfills launch (also of assets picked by hand) run
        # every step in one process, as `ingest` does; the Celery job keeps its executor.
        executor=in_process_executor,
    )


def _folder(watched_folder: WatchedFolder) -> str | None:
    """The watched folder's path as it is now (an `EnvVar` read from the environment)."""
    path = watched_folder.path
    return path.get_value() if isinstance(path, EnvVar) else path


defs = build_definitions(
    store=environment_store(),
    watched_folder=WatchedFolder(path=EnvVar(WATCH_DIR_ENV_VAR)),
)
