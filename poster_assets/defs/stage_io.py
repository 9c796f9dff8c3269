"""What every per-poster analysis asset does with its stage's result: store it, log each
failure, and describe it in the asset's metadata."""

from collections.abc import Mapping, Sequence

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from poster_assets.imaging.preview import markdown_image
from poster_assets.stages.runner import StageResult
from poster_assets.stages.spec import PreparedStage
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


def metadata_value(value: object) -> MetadataValue:
    """A stage summary's plain value as what the UI shows."""
    if isinstance(value, bool):
        return MetadataValue.bool(value)
    if isinstance(value, int):
        return MetadataValue.int(value)
    if isinstance(value, float):
        return MetadataValue.float(value)
    if isinstance(value, str):
        return MetadataValue.text(value)
    return MetadataValue.json(value)  # dicts and lists


def stage_metadata(
    prepared: PreparedStage,
    result: StageResult,
    summary: Mapping[str, object],
    previews: Sequence[bytes],
    caption: str,
) -> dict[str, MetadataValue]:
    """Version, counts, the stage's own summary, each poster's time in the stage (with
    parallel workers, including sharing the CPU: what the bench reads) and previews."""
    metadata = {
        "version": MetadataValue.text(prepared.version),
        "posters_processed": MetadataValue.int(len(result.done) + len(result.failures)),
        "posters_failed": MetadataValue.int(len(result.failures)),
        **{name: metadata_value(value) for name, value in summary.items()},
        **{
            f"{name}_per_poster": MetadataValue.float(value)
            for name, value in result.timing().items()
        },
    }
    if prepared.model is not None:
        metadata["model"] = MetadataValue.text(prepared.model)
    if previews:
        pictures = [markdown_image(png, alt=caption) for png in previews]
        metadata["preview"] = MetadataValue.md("\n\n".join(pictures))
    return metadata


def missing_model_result(message: str) -> MaterializeResult:
    return MaterializeResult(
        metadata={
            "model": MetadataValue.text("missing"),
            "how_to_fix": MetadataValue.md(message),
            "posters_processed": MetadataValue.int(0),
        }
    )
