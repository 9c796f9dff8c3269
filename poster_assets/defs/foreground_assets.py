"""Faces, objects, the foreground mask and ImageNet embeddings per batch."""

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset

from poster_assets.analysis.detection_stage import FACES_STAGE, OBJECTS_STAGE, run_detection
from poster_assets.analysis.embedding_stage import (
    EMBEDDINGS_REVISION,
    EMBEDDINGS_STAGE,
    run_embeddings,
)
from poster_assets.analysis.foreground_preview import foreground_preview
from poster_assets.analysis.foreground_stage import (
    FOREGROUND_REVISION,
    FOREGROUND_STAGE,
    run_foreground,
)
from poster_assets.analysis.stored_masks import load_foreground_masks, load_layer_maps
from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.resources import PosterCompute, PosterStore
from poster_assets.defs.stage_io import store_stage_result, timing_metadata
from poster_assets.imaging.preview import markdown_image
from poster_assets.models.detectors import (
    FaceDetector,
    ObjectDetector,
    load_face_detector,
    load_object_detector,
)
from poster_assets.models.embedder import ImageEmbedder, load_image_embedder
from poster_assets.models.packaged import (
    BLAZEFACE_FULL_RANGE,
    EFFICIENTNET_LITE3,
    SSD_MOBILENET_V2_COCO,
    MissingPackagedModelError,
    PackagedModel,
)
from poster_assets.store.stages import pending_posters, rows_for_posters

PREVIEW_POSTERS = 6


class StageConfig(Config):
    show_progress: bool = True


def _model_available(model: PackagedModel) -> bool:
    try:
        model.path()
    except MissingPackagedModelError:
        return False
    return True


def _missing(context: AssetExecutionContext, model: PackagedModel) -> MaterializeResult:
    message = f"{model.name} is not installed, so this stage was skipped: run `{model.install}`"
    context.log.warning(message)
    return MaterializeResult(
        metadata={
            "model": MetadataValue.text("missing"),
            "how_to_fix": MetadataValue.md(message),
            "posters_processed": MetadataValue.int(0),
        }
    )


def _detect(
    context: AssetExecutionContext,
    config: StageConfig,
    store: PosterStore,
    stage: str,
    detector: FaceDetector | ObjectDetector,
    workers: int,
) -> MaterializeResult:
    db = store.database()
    todo = pending_posters(db, stage, detector.version, context.partition_key, ("layers",))
    layer_maps = load_layer_maps(db, [poster.poster_id for poster in todo])
    result = run_detection(
        todo,
        batch_id=context.partition_key,
        stage=stage,
        detect=detector.detect,
        layer_maps=layer_maps,
        show_progress=config.show_progress,
        workers=workers,
    )
    store_stage_result(context, db, stage=stage, version=detector.version, result=result)
    rows = next(iter(result.tables.values()))
    metadata = {
        "model": MetadataValue.text(detector.version),
        "posters_processed": MetadataValue.int(len(todo)),
        "posters_failed": MetadataValue.int(len(result.failures)),
        "detections": MetadataValue.int(len(rows)),
        "posters_with_any": MetadataValue.int(rows["poster_id"].nunique()),
        **timing_metadata(result),
    }
    if "label" in rows:
        metadata["labels"] = MetadataValue.json(rows["label"].value_counts().head(15).to_dict())
    return MaterializeResult(metadata=metadata)


@asset(
    deps=["posters", "layers"],
    partitions_def=batch_partitions,
    group_name="foreground",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def faces(
    context: AssetExecutionContext, config: StageConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """Faces (MediaPipe BlazeFace full range, packaged) with the depth layer each is in:
    table `faces`."""
    if not _model_available(BLAZEFACE_FULL_RANGE):
        return _missing(context, BLAZEFACE_FULL_RANGE)
    detector = load_face_detector()
    return _detect(context, config, store, FACES_STAGE, detector, compute.worker_count())


@asset(
    deps=["posters", "layers"],
    partitions_def=batch_partitions,
    group_name="foreground",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def objects(
    context: AssetExecutionContext, config: StageConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """COCO objects (SSD MobileNet v2, packaged) with the depth layer each is in: table
    `objects`."""
    if not _model_available(SSD_MOBILENET_V2_COCO):
        return _missing(context, SSD_MOBILENET_V2_COCO)
    detector = load_object_detector()
    return _detect(context, config, store, OBJECTS_STAGE, detector, compute.worker_count())


@asset(
    deps=["layers", "faces", "objects"],
    partitions_def=batch_partitions,
    group_name="foreground",
    kinds={"opencv", "duckdb"},
    code_version="1",
)
def foreground(
    context: AssetExecutionContext, config: StageConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """A foreground mask per poster (table `foreground`): GrabCut seeded by the near depth
    layers, saliency, faces and people/animals; the row's `method` names the cues used."""
    db = store.database()
    cues = [
        model.name if _model_available(model) else f"no-{model.name}"
        for model in (BLAZEFACE_FULL_RANGE, SSD_MOBILENET_V2_COCO)
    ]
    version = "+".join([FOREGROUND_REVISION, *cues])
    upstream = ("layers", FACES_STAGE, OBJECTS_STAGE)
    todo = pending_posters(db, FOREGROUND_STAGE, version, context.partition_key, upstream)
    ids = [poster.poster_id for poster in todo]
    found_faces = rows_for_posters(db, "faces", ids)
    found_objects = rows_for_posters(db, "objects", ids)
    result = run_foreground(
        todo,
        batch_id=context.partition_key,
        layer_maps=load_layer_maps(db, ids),
        faces=found_faces,
        objects=found_objects,
        show_progress=config.show_progress,
        workers=compute.worker_count(),
    )
    store_stage_result(context, db, stage=FOREGROUND_STAGE, version=version, result=result)
    rows = result.tables["foreground"]
    metadata = {
        "posters_processed": MetadataValue.int(len(todo)),
        "posters_failed": MetadataValue.int(len(result.failures)),
        "median_foreground_share": MetadataValue.float(
            float(rows["share"].median()) if len(rows) else 0.0
        ),
        "methods": MetadataValue.json(rows["method"].value_counts().to_dict()),
        **timing_metadata(result),
    }
    preview = foreground_preview(db, result.done[:PREVIEW_POSTERS])
    if preview is not None:
        metadata["preview"] = MetadataValue.md(
            markdown_image(preview, alt="foreground (outlined), faces (green), objects (yellow)")
        )
    return MaterializeResult(metadata=metadata)


@asset(
    deps=["foreground"],
    partitions_def=batch_partitions,
    group_name="foreground",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def embeddings(
    context: AssetExecutionContext, config: StageConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """ImageNet (EfficientNet-Lite3) embeddings of the whole poster, the foreground crop, and
    the feature map pooled inside and outside the foreground: table `embeddings`."""
    if not _model_available(EFFICIENTNET_LITE3):
        return _missing(context, EFFICIENTNET_LITE3)
    db = store.database()
    embedder: ImageEmbedder = load_image_embedder()
    version = f"{EMBEDDINGS_REVISION}+{embedder.model_name}"
    todo = pending_posters(
        db, EMBEDDINGS_STAGE, version, context.partition_key, (FOREGROUND_STAGE,)
    )
    result = run_embeddings(
        todo,
        batch_id=context.partition_key,
        embedder=embedder,
        foreground_masks=load_foreground_masks(db, [poster.poster_id for poster in todo]),
        show_progress=config.show_progress,
        workers=compute.worker_count(),
    )
    store_stage_result(
        context,
        db,
        stage=EMBEDDINGS_STAGE,
        version=version,
        result=result,
        only_where=("model", embedder.model_name),
    )
    rows = result.tables["embeddings"]
    return MaterializeResult(
        metadata={
            "model": MetadataValue.text(embedder.model_name),
            "posters_processed": MetadataValue.int(len(todo)),
            "posters_failed": MetadataValue.int(len(result.failures)),
            "vectors_by_region": MetadataValue.json(rows["region"].value_counts().to_dict()),
            **timing_metadata(result),
        }
    )
