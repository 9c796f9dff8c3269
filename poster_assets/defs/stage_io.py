"""What every per-poster analysis asset does with its stage's result."""

from dagster import AssetExecutionContext, MetadataValue

from poster_assets.analysis.stage_result import StageResult
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import replace_stage_rows


def store_stage_result(
    context: AssetExecutionContext,
    db: PosterDatabase,
    *,
    stage: str,
    version: str,
    result: StageResult,
    only_where: tuple[str, str] | None = None,
) -> None:
    """Replace the processed posters' rows (those matching `only_where` (column, value), if
    given) and state in one transaction; log each failure."""
    replace_stage_rows(
        db,
        stage=stage,
        version=version,
        batch_id=context.partition_key,
        tables=result.tables,
        done=result.done,
        failures=result.failures,
        only_where=only_where,
    )
    for failure in result.failures.itertuples():
        context.log.warning(f"{stage} failed for {failure.path}: {failure.kind}: {failure.message}")


def timing_metadata(result: StageResult) -> dict[str, MetadataValue]:
    """Each poster's own wall time in the stage (with parallel workers, a poster's time
    includes sharing the CPU): what the bench and the UI show per stage."""
    return {
        f"{name}_per_poster": MetadataValue.float(value) for name, value in result.timing().items()
    }
