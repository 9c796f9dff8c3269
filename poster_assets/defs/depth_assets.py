"""Depth maps and depth layers per batch, from the depth model registered for the home."""

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset

from poster_assets.analysis.anatomy import load_anatomy
from poster_assets.analysis.depth_stage import DEPTH_STAGE, run_depth
from poster_assets.analysis.layers_stage import LAYERS_REVISION, LAYERS_STAGE, run_layers
from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.resources import PosterCompute, PosterStore
from poster_assets.defs.stage_io import store_stage_result, timing_metadata
from poster_assets.imaging.anatomy import anatomy_png
from poster_assets.imaging.preview import markdown_image
from poster_assets.models.depth import load_depth_estimator
from poster_assets.models.registry import MISSING_DEPTH_MODEL, registered_depth_model
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.store.stages import layer_inputs, pending_posters

PREVIEW_POSTERS = 2


class DepthConfig(Config):
    show_progress: bool = True


class LayersConfig(Config):
    """`k` layers per poster, or with `k_from_modes` as many as its depth histogram has modes
    (at most `k`)."""

    k: int = 3
    k_from_modes: bool = False
    show_progress: bool = True


def _missing_model(context: AssetExecutionContext) -> MaterializeResult:
    context.log.warning(MISSING_DEPTH_MODEL)
    return MaterializeResult(
        metadata={
            "depth_model": MetadataValue.text("missing"),
            "how_to_fix": MetadataValue.md(MISSING_DEPTH_MODEL),
            "posters_processed": MetadataValue.int(0),
        }
    )


@asset(
    deps=["posters"],
    partitions_def=batch_partitions,
    group_name="layers",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def depth_maps(
    context: AssetExecutionContext, config: DepthConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """A relative depth map per poster (table `depth_maps`, 16-bit PNG, 0 = nearest). Without
    a registered depth model nothing is computed and the metadata says how to get one."""
    paths = store.paths()
    ref = registered_depth_model(paths.models_dir)
    if ref is None:
        return _missing_model(context)
    db = store.database()
    estimator = load_depth_estimator(ref, paths.openvino_cache_dir)
    todo = pending_posters(db, DEPTH_STAGE, ref.version, context.partition_key)
    result = run_depth(
        todo, context.partition_key, estimator, config.show_progress, compute.worker_count()
    )
    store_stage_result(context, db, stage=DEPTH_STAGE, version=ref.version, result=result)
    return MaterializeResult(
        metadata={
            "depth_model": MetadataValue.text(ref.version),
            "posters_processed": MetadataValue.int(len(todo)),
            "posters_failed": MetadataValue.int(len(result.failures)),
            **timing_metadata(result),
        }
    )


@asset(
    deps=["depth_maps", "titles"],
    partitions_def=batch_partitions,
    group_name="layers",
    kinds={"python", "duckdb"},
    code_version="1",
)
def layers(
    context: AssetExecutionContext, config: LayersConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """The depth histogram and its modes (table `depth_histograms`), and K-means layers on
    depth, near to far, snapped to SLIC superpixels, with the title layer marked (table
    `layers`, one row per layer with a 1-bit PNG mask)."""
    paths = store.paths()
    ref = registered_depth_model(paths.models_dir)
    if ref is None:
        return _missing_model(context)
    db = store.database()
    k_rule = f"modes{config.k}" if config.k_from_modes else f"k{config.k}"
    version = f"{LAYERS_REVISION}-{k_rule}+{ref.version}+{load_title_scorer().version}"
    inputs = layer_inputs(db, LAYERS_STAGE, version, context.partition_key)
    result = run_layers(
        inputs,
        context.partition_key,
        config.k,
        config.k_from_modes,
        config.show_progress,
        compute.worker_count(),
    )
    store_stage_result(context, db, stage=LAYERS_STAGE, version=version, result=result)
    histograms = result.tables["depth_histograms"]
    previews = [
        markdown_image(anatomy_png(load_anatomy(db, poster_id)), alt="poster anatomy")
        for poster_id in result.done[:PREVIEW_POSTERS]
    ]
    rows = result.tables["layers"]
    titled = rows[rows["is_title_layer"].astype(bool)]  # object dtype when empty
    return MaterializeResult(
        metadata={
            "posters_processed": MetadataValue.int(len(inputs)),
            "posters_failed": MetadataValue.int(len(result.failures)),
            "mode_counts": MetadataValue.json(
                {str(k): int(v) for k, v in histograms["mode_count"].value_counts().items()}
            ),
            "title_layer_by_depth_rank": MetadataValue.json(
                {str(k): int(v) for k, v in titled["layer_index"].value_counts().items()}
            ),
            "title_box_mostly_in_one_layer": MetadataValue.float(
                float((titled["title_share"] >= 0.6).mean()) if len(titled) else 0.0
            ),
            **timing_metadata(result),
            **({"preview": MetadataValue.md("\n\n".join(previews))} if previews else {}),
        }
    )
