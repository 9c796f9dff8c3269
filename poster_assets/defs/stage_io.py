"""What every per-poster analysis asset does: run its stage over the pending posters, store
the result, log each failure, and describe it in the asset's metadata."""

from collections.abc import Mapping, Sequence

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.imaging.preview import markdown_image
from poster_assets.stages.runner import PosterRef, StageResult, run_stage
from poster_assets.stages.spec import PreparedStage, TableSpec
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import replace_stage_rows, rows_for_posters


def process_pending(
    context: AssetExecutionContext,
    db: PosterDatabase,
    *,
    stage: str,
    tables: Sequence[TableSpec],
    prepared: PreparedStage,
    todo: Sequence[PosterRef],
    reads: Sequence[str] = (),
    show_progress: bool,
    workers: int,
    copies: PosterCopies,
) -> StageResult:
    """Run the stage over the pending posters (with the batch's rows of the tables it reads)
    and store the result. With nothing pending, no network is loaded and nothing is read or
    written: what makes rerunning a finished batch cheap."""
    if not todo:
        return StageResult.nothing(tables)
    ids = [poster.poster_id for poster in todo]
    result = run_stage(
        todo,
        batch_id=context.partition_key,
        stage=stage,
        tables=tables,
        process=prepared.load(),
        upstream={table: rows_for_posters(db, table, ids) for table in reads},
        show_progress=show_progress,
        workers=workers,
        decode_scope=context.run_id,
        copies=copies,
    )
    replace_stage_rows(
        db,
        stage=stage,
        version=prepared.version,
        batch_id=context.partition_key,
        tables=result.tables,
        done=result.done,
        failures=result.failures,
        only_where=prepared.scope,
    )
    for failure in result.failures.itertuples():
        context.log.warning(f"{stage} failed for {failure.path}: {failure.kind}: {failure.message}")
    return result


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
