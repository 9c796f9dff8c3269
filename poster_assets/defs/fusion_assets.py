"""The fused encoder as assets: trained from the token tables (checkpoint, OpenVINO IR,
`models` row, loss curves, every poster's 128-d vector), new batches embedded with its IR,
and its genre probe."""

from dagster import (
    AssetExecutionContext,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.preview_files import preview_markdown
from poster_assets.defs.resources import PosterStore
from poster_assets.defs.ssl_assets import probe_result
from poster_assets.errors import UnknownModelError
from poster_assets.fusion.settings import (
    SCHEDULES,
    TASKS,
    FusionSettings,
    ModelSettings,
    ViewSettings,
)
from poster_assets.pretraining.fusion_pretrain import (
    FUSION_MODEL_KIND,
    embed_batch,
    train_fusion_model,
)
from poster_assets.store.trained_models import find_model, newest_model

FUSION_TRAINING_GROUP = "fusion_training"


class FusionConfig(Config):
    model_name: str = "poster-fusion"
    tasks: list[str] = Field(
        default=list(FusionSettings().tasks),
        description=f"any of {', '.join(TASKS)} (label-free: all but genres)",
    )
    schedule: str = Field(
        default=FusionSettings().schedule, description=f"one of {', '.join(SCHEDULES)}"
    )
    use_text: bool = True
    use_metadata: bool = Field(default=False, description="the metadata title as a text token")
    use_trailers: bool = Field(default=True, description="trailer frames as tokens, where any")
    steps: int = FusionSettings().steps
    batch_size: int = 128
    width: int = 128
    layers: int = 2
    seed: int = 0
    show_progress: bool = False

    def settings(self) -> FusionSettings:
        return FusionSettings(
            tasks=tuple(self.tasks), schedule=self.schedule, use_text=self.use_text,
            use_metadata=self.use_metadata, use_trailers=self.use_trailers, steps=self.steps,
            batch_size=self.batch_size, seed=self.seed, view=ViewSettings(),
            model=ModelSettings(width=self.width, layers=self.layers),
        )  # fmt: skip


@asset(
    deps=["patch_tokens", "text_tokens", "trailer_frames"],
    group_name=FUSION_TRAINING_GROUP,
    kinds={"pytorch", "openvino", "duckdb"},
    code_version="1",
)
def fusion_encoder(
    context: AssetExecutionContext, config: FusionConfig, store: PosterStore
) -> MaterializeResult:
    """One small transformer over each poster's patch tokens, text tokens (with the poster's
    words as a whole) and trailer frames, trained by sampling one self-supervised task per
    step from those configured (by default the summary alone, the best measured; also
    views, masked patches, patch roles, image-text and image-trailer alignment, curriculum
    labels); every poster's 128-d
    vector in `embeddings` under the model's name, checkpoint, OpenVINO IR and loss curves
    under models/fusion/NAME. Tasks with nothing to learn from (no trailers) are left out
    and named in the metadata."""
    outcome = train_fusion_model(
        store.paths(), store.database(), config.settings(), config.model_name,
        config.show_progress,
    )  # fmt: skip
    model = outcome.model
    for task, why in outcome.result.left_out.items():
        context.log.info(f"task {task} left out: {why}")
    return MaterializeResult(
        metadata={
            "model_name": MetadataValue.text(model.model_name),
            "posters": MetadataValue.int(model.lineage["posters"]),
            "posters_with_text": MetadataValue.int(model.lineage["posters_with_text"]),
            "posters_with_trailer": MetadataValue.int(model.lineage["posters_with_trailer"]),
            "tasks_left_out": MetadataValue.json(model.metrics["tasks_left_out"]),
            "steps": MetadataValue.int(len(outcome.result.losses)),
            "train_seconds": MetadataValue.float(model.train_seconds),
            "final_loss": MetadataValue.float(model.metrics["final_loss"]),
            "config": MetadataValue.json(model.config),
            "openvino_xml": MetadataValue.path(str(store.paths().root / model.openvino_xml)),
            "posters_embedded": MetadataValue.int(outcome.embedded),
            "loss_curves": MetadataValue.md(
                preview_markdown(
                    context.instance,
                    "fusion_encoder",
                    model.version,
                    "training losses",
                    lambda: outcome.loss_plot_png,
                )  # fmt: skip
                or ""
            ),
        }
    )


@asset(
    deps=["patch_tokens", "text_tokens", "trailer_frames"],
    partitions_def=batch_partitions,
    group_name="fusion",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def fusion_embeddings(context: AssetExecutionContext, store: PosterStore) -> MaterializeResult:
    """The batch's posters embedded with the newest fused encoder (its OpenVINO IR), in
    `embeddings` under the model's name; nothing to do before one is trained."""
    db = store.database()
    model = newest_model(db, FUSION_MODEL_KIND)
    if model is None:
        message = "no fused encoder yet: materialize fusion_encoder (job `train_fusion`)"
        context.log.info(message)
        return MaterializeResult(metadata={"skipped": MetadataValue.text(message)})
    embedded = embed_batch(store.paths(), db, model, context.partition_key)
    return MaterializeResult(
        metadata={
            "model": MetadataValue.text(model.model_name),
            "posters_embedded": MetadataValue.int(embedded),
        }
    )


class FusionProbeConfig(Config):
    model_name: str = Field(default="", description="default: the newest fused encoder")
    min_train_positives: int = 20


@asset(
    deps=["fusion_encoder"], group_name=FUSION_TRAINING_GROUP, kinds={"sklearn"},
    code_version="1",
)  # fmt: skip
def fusion_genre_probe(
    context: AssetExecutionContext, config: FusionProbeConfig, store: PosterStore
) -> MaterializeResult:
    """The genre linear probe on the fused encoder's 128-d vectors (genres from `metadata`,
    the fixed split on its ids); the scores are added to the model's `models.metrics`."""
    db = store.database()
    model = (
        find_model(db, config.model_name)
        if config.model_name
        else newest_model(db, FUSION_MODEL_KIND)
    )
    if model is None:
        raise UnknownModelError(f"no fused encoder named {config.model_name or '(newest)'!r}")
    return probe_result(context, db, model, config.min_train_positives)
