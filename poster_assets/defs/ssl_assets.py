"""Self-supervised pretraining as assets: the structured training sets (each from the tables
it derives from), the trained encoder (checkpoint, OpenVINO IR, `models` row, every poster
embedded), new batches embedded with it, and its genre probe."""

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.preview_files import preview_markdown
from poster_assets.defs.resources import PosterCompute, PosterStore
from poster_assets.defs.stage_io import (
    missing_model_result,
    run_pending,
    stage_metadata,
    store_result,
)
from poster_assets.errors import UnknownModelError
from poster_assets.evaluation.genre_probe import TooFewPostersError
from poster_assets.evaluation.stored_probe import NoProbeDataError, probe_stored_vectors
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.models.ssl_encoder import load_trained_encoder
from poster_assets.pretraining.pretrain import SSL_MODEL_KIND, pretrain
from poster_assets.pretraining.stored_sets import store_training_set
from poster_assets.pretraining.training_sets import SetSettings
from poster_assets.ssl.augment import ViewSettings
from poster_assets.ssl.curriculum import SCHEDULES
from poster_assets.ssl.task_names import TASKS
from poster_assets.ssl.train import TrainSettings
from poster_assets.stages.ssl_embeddings import SSL_EMBEDDINGS_STAGE, prepare_ssl_embeddings
from poster_assets.stages.tables import EMBEDDINGS
from poster_assets.store.batch_state import stage_batch_state
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import pending_posters
from poster_assets.store.trained_models import (
    TrainedModel,
    add_metrics,
    find_model,
    newest_model,
)

PRETRAINING_GROUP = "pretraining"


class TrainingSetConfig(Config):
    seed: int = 0
    view_pairs: int = Field(default=8, description="stored crop pairs per poster")
    patches_per_role: int = 2


def _training_set_asset(
    name: str, table: str, deps: list[str], description: str
) -> AssetsDefinition:
    @asset(
        name=name,
        deps=deps,
        group_name=PRETRAINING_GROUP,
        kinds={"duckdb"},
        code_version="1",
        description=description,
    )
    def _build(config: TrainingSetConfig, store: PosterStore) -> MaterializeResult:
        settings = SetSettings(
            seed=config.seed, view_pairs=config.view_pairs, patches_per_role=config.patches_per_role
        )
        rows = store_training_set(store.database(), table, settings)
        metadata = {
            "table": MetadataValue.text(table),
            "rows": MetadataValue.int(len(rows)),
            "posters": MetadataValue.int(rows["poster_id"].nunique() if len(rows) else 0),
        }
        for column in ("role", "source"):
            if column in rows:
                metadata[f"by_{column}"] = MetadataValue.json(rows[column].value_counts().to_dict())
        return MaterializeResult(metadata=metadata)

    return _build


ssl_view_pairs = _training_set_asset(
    "ssl_view_pairs", "ssl_view_pairs", ["foreground"],
    "SimSiam view pairs: crops of each poster that each keep at least half of its foreground.",
)  # fmt: skip
ssl_layer_patches = _training_set_asset(
    "ssl_layer_patches", "ssl_layer_patches", ["layers", "foreground", "titles"],
    "Patches lying inside the background layers, the foreground layers, and the title within "
    "the title layer (the foreground mask where a poster has no depth layers).",
)  # fmt: skip
ssl_salient_crops = _training_set_asset(
    "ssl_salient_crops", "ssl_salient_crops", ["faces", "objects", "foreground"],
    "Crops around faces, confident large objects and the foreground mask.",
)  # fmt: skip
ssl_text_pairs = _training_set_asset(
    "ssl_text_pairs", "ssl_text_pairs", ["ocr_lines", "titles"],
    "Each poster's OCR text with its hashed character n-gram vector, for text-image alignment.",
)  # fmt: skip
ssl_labels = _training_set_asset(
    "ssl_labels", "ssl_labels", ["titles", "faces", "layers"],
    "Curriculum labels: title placement, face count, depth modes, title-layer depth rank.",
)  # fmt: skip


class PretrainConfig(Config):
    model_name: str = "poster-ssl"
    # The best measured setting (docs/measurements.md): the curriculum labels, staged first.
    tasks: list[str] = Field(default=["labels"], description=f"any of {', '.join(TASKS)}")
    schedule: str = Field(default="structure_first", description=f"one of {', '.join(SCHEDULES)}")
    epochs: int = 8
    image_size: int = 64
    batch_size: int = 64
    learning_rate: float = 0.1
    seed: int = 0
    show_progress: bool = True


@asset(
    deps=[
        "ssl_view_pairs",
        "ssl_layer_patches",
        "ssl_salient_crops",
        "ssl_text_pairs",
        "ssl_labels",
    ],
    group_name=PRETRAINING_GROUP,
    kinds={"pytorch", "openvino", "duckdb"},
    code_version="1",
)
def ssl_encoder(
    context: AssetExecutionContext, config: PretrainConfig, store: PosterStore
) -> MaterializeResult:
    """A compact poster encoder pretrained with SimSiam and the structured tasks under a
    curriculum; checkpoint, OpenVINO IR and loss curves under the home's models/ssl/NAME, a row
    in `models`, and every poster's vector in `embeddings` under the model's name."""
    settings = TrainSettings(
        epochs=config.epochs, batch_size=config.batch_size, learning_rate=config.learning_rate,
        seed=config.seed, views=ViewSettings(size=config.image_size), tasks=tuple(config.tasks),
        schedule=config.schedule,
    )  # fmt: skip
    outcome = pretrain(
        store.paths(), store.database(), settings, config.model_name, config.show_progress
    )
    for path, reason in outcome.skipped:
        context.log.warning(f"left out of pretraining: {path}: {reason}")
    model = outcome.model
    return MaterializeResult(
        metadata={
            "model_name": MetadataValue.text(model.model_name),
            "posters": MetadataValue.int(model.lineage["posters"]),
            "posters_unreadable": MetadataValue.int(len(outcome.skipped)),
            "steps": MetadataValue.int(len(outcome.result.losses)),
            "train_seconds": MetadataValue.float(model.train_seconds),
            "final_loss": MetadataValue.float(model.metrics["final_loss"]),
            "training_sets": MetadataValue.json(model.lineage["training_sets"]),
            "config": MetadataValue.json(model.config),
            "checkpoint": MetadataValue.path(str(store.paths().root / model.checkpoint)),
            "openvino_xml": MetadataValue.path(str(store.paths().root / model.openvino_xml)),
            "posters_embedded": MetadataValue.int(outcome.embedded),
            "embedding_failures": MetadataValue.int(outcome.embedding_failures),
            "loss_curves": MetadataValue.md(
                preview_markdown(
                    context.instance,
                    "ssl_encoder",
                    model.version,
                    "training losses",
                    lambda: outcome.loss_plot_png,
                )  # fmt: skip
                or ""
            ),
        }
    )


class SslEmbeddingsConfig(Config):
    show_progress: bool = True


# Not a dependency of `ssl_encoder` in the graph: with that edge every "Materialize all" of a
# batch warned that the encoder was never materialized, though embedding is optional until
# one is trained. Which encoder embedded a batch is in the metadata's `model` and
# `embeddings.model`; training one embeds every stored poster itself.
@asset(
    deps=["posters"],
    partitions_def=batch_partitions,
    group_name="foreground",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def ssl_embeddings(
    context: AssetExecutionContext,
    config: SslEmbeddingsConfig,
    store: PosterStore,
    compute: PosterCompute,
) -> MaterializeResult:
    """The batch's posters embedded with the newest pretrained encoder (`ssl_encoder`, its
    OpenVINO IR), in `embeddings` under the model's name; nothing to do before one is
    trained."""
    db = store.database()
    model = newest_model(db, SSL_MODEL_KIND)
    if model is None:
        message = "no pretrained encoder yet: materialize ssl_encoder (job `pretrain`)"
        context.log.info(message)
        return missing_model_result(message)
    prepared = prepare_ssl_embeddings(
        model.model_name, model.version, lambda: load_trained_encoder(store.paths(), model)
    )
    todo = pending_posters(db, SSL_EMBEDDINGS_STAGE, model.version, context.partition_key)
    result = run_pending(
        context, stage=SSL_EMBEDDINGS_STAGE, tables=[EMBEDDINGS], prepared=prepared, todo=todo,
        upstream={}, show_progress=config.show_progress, workers=compute.worker_count(),
        copies=PosterCopies(store.paths().poster_copies_dir),
    )  # fmt: skip
    with db.held():
        store_result(
            context, db, stage=SSL_EMBEDDINGS_STAGE, prepared=prepared, todo=todo, result=result
        )
        batch = stage_batch_state(db, SSL_EMBEDDINGS_STAGE, model.version, context.partition_key)
    return MaterializeResult(metadata=stage_metadata(prepared, result, batch, {}))


class ProbeConfig(Config):
    model_name: str = Field(default="", description="default: the newest pretrained encoder")
    min_train_positives: int = 20


@asset(deps=["ssl_encoder"], group_name=PRETRAINING_GROUP, kinds={"sklearn"}, code_version="1")
def ssl_genre_probe(
    context: AssetExecutionContext, config: ProbeConfig, store: PosterStore
) -> MaterializeResult:
    """The genre linear probe on the encoder's whole-poster vectors (genres from `metadata`,
    the fixed split on its ids); the scores are added to the model's `models.metrics`."""
    db = store.database()
    model = (
        find_model(db, config.model_name) if config.model_name else newest_model(db, SSL_MODEL_KIND)
    )
    if model is None:
        raise UnknownModelError(f"no pretrained encoder named {config.model_name or '(newest)'!r}")
    return probe_result(context, db, model, config.min_train_positives)


def probe_result(
    context: AssetExecutionContext, db: PosterDatabase, model: TrainedModel,
    min_train_positives: int,
) -> MaterializeResult:  # fmt: skip
    """Probe the model's whole-poster vectors, add the scores to its metrics, and say so."""
    try:
        report = probe_stored_vectors(db, model.model_name, "poster", min_train_positives)
    except (NoProbeDataError, TooFewPostersError) as error:
        context.log.warning(str(error))
        return MaterializeResult(
            metadata={
                "model": MetadataValue.text(model.model_name),
                "skipped": MetadataValue.text(str(error)),
            }
        )
    add_metrics(db, model.model_name, {"genre_probe": report})
    return MaterializeResult(
        metadata={
            "model": MetadataValue.text(model.model_name),
            "test_mAP": MetadataValue.float(report["mAP"]),
            "test_micro_f1": MetadataValue.float(report["micro_f1"]),
            "label_frequency_mAP": MetadataValue.float(report["label_frequencies"]["mAP"]),
            "posters": MetadataValue.int(report["posters"]),
            "genres": MetadataValue.json(report["genres_evaluated"]),
        }
    )
