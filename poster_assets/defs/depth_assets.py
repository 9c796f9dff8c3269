"""Depth maps per batch, from the depth model registered for the home (if any)."""

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset

from poster_assets.analysis.depth_stage import DEPTH_STAGE, run_depth
from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.resources import PosterStore
from poster_assets.models.depth import load_depth_estimator
from poster_assets.models.registry import MISSING_DEPTH_MODEL, registered_depth_model
from poster_assets.store.stages import pending_posters, replace_stage_rows


class DepthConfig(Config):
    show_progress: bool = True


@asset(
    deps=["posters"],
    partitions_def=batch_partitions,
    group_name="layers",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def depth_maps(
    context: AssetExecutionContext, config: DepthConfig, store: PosterStore
) -> MaterializeResult:
    """A relative depth map per poster (table `depth_maps`, 16-bit PNG, 0 = nearest). Without
    a registered depth model nothing is computed and the metadata says how to get one."""
    paths = store.paths()
    ref = registered_depth_model(paths.models_dir)
    if ref is None:
        context.log.warning(MISSING_DEPTH_MODEL)
        return MaterializeResult(
            metadata={
                "depth_model": MetadataValue.text("missing"),
                "how_to_fix": MetadataValue.md(MISSING_DEPTH_MODEL),
                "posters_processed": MetadataValue.int(0),
            }
        )
    db = store.database()
    estimator = load_depth_estimator(ref, paths.openvino_cache_dir)
    todo = pending_posters(db, DEPTH_STAGE, ref.version, context.partition_key)
    result = run_depth(todo, context.partition_key, estimator, config.show_progress)
    replace_stage_rows(
        db,
        stage=DEPTH_STAGE,
        version=ref.version,
        batch_id=context.partition_key,
        tables=result.tables,
        done=result.done,
        failures=result.failures,
    )
    for failure in result.failures.itertuples():
        context.log.warning(f"depth failed for {failure.path}: {failure.kind}: {failure.message}")
    return MaterializeResult(
        metadata={
            "depth_model": MetadataValue.text(ref.version),
            "posters_processed": MetadataValue.int(len(todo)),
            "posters_failed": MetadataValue.int(len(result.failures)),
        }
    )
