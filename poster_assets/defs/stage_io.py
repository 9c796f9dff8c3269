"""What every per-poster analysis asset does: run its stage over the pending posters, store
the result, log each failure, and describe the batch in the asset's metadata."""

from collections.abc import Mapping, Sequence

import pandas as pd
from dagster import (
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
)

from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.stages.runner import PosterRef, StageResult, run_stage
from poster_assets.stages.spec import PreparedStage
from poster_assets.stages.tables import TableSpec
from poster_assets.store.batch_state import StageBatchState
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import replace_stage_rows, rows_for_posters
from poster_assets.timing import median_p90_ms

LISTING_ROWS = 100  # rows of a stage's listing on the asset's page


def upstream_rows(
    db: PosterDatabase, reads: Sequence[str], todo: Sequence[PosterRef]
) -> dict[str, pd.DataFrame]:
    """The pending posters' rows of the tables the stage reads (none read with none pending)."""
    ids = [poster.poster_id for poster in todo]
    return {table: rows_for_posters(db, table, ids) for table in reads} if todo else {}


def run_pending(
    context: AssetExecutionContext,
    *,
    stage: str,
    tables: Sequence[TableSpec],
    prepared: PreparedStage,
    todo: Sequence[PosterRef],
    upstream: Mapping[str, pd.DataFrame],
    show_progress: bool,
    workers: int,
    copies: PosterCopies,
) -> StageResult:
    """Run the stage over the pending posters. With nothing pending, no network is loaded:
    what makes rerunning a finished batch cheap."""
    if not todo:
        return StageResult.nothing(tables)
    return run_stage(
        todo,
        batch_id=context.partition_key,
        stage=stage,
        tables=tables,
        process=prepared.load(),
        upstream=upstream,
        show_progress=show_progress,
        workers=workers,
        decode_scope=context.run_id,
        copies=copies,
    )


def store_result(
    context: AssetExecutionContext,
    db: PosterDatabase,
    *,
    stage: str,
    prepared: PreparedStage,
    todo: Sequence[PosterRef],
    result: StageResult,
) -> None:
    """Store what the run made (nothing written when nothing was pending) and log each
    failure."""
    if not todo:
        return
    ids = [poster.poster_id for poster in todo]
    replace_stage_rows(
        db,
        stage=stage,
        version=prepared.version,
        batch_id=context.partition_key,
        tables=result.tables,
        done=result.done,
        failures=result.failures,
        seconds=dict(zip(ids, result.seconds, strict=True)),
        only_where=prepared.scope,
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
    run: StageResult,
    batch: StageBatchState,
    summary: Mapping[str, object],
) -> dict[str, MetadataValue]:
    """The batch as the store holds it (posters, done, failed, the stage's own summary, the
    median time per poster), then what this run did, as separate `this_run_` fields: a rerun
    with nothing to do states the same batch. Times are each poster's wall time in the stage
    (with parallel workers, sharing the CPU: what the bench reads)."""
    metadata = {
        "version": MetadataValue.text(prepared.version),
        "posters": MetadataValue.int(batch.posters),
        "done": MetadataValue.int(batch.done),
        "failed": MetadataValue.int(batch.failed),
        "pending": MetadataValue.int(batch.pending),
        **{name: metadata_value(value) for name, value in summary.items()},
    }
    if batch.seconds:
        metadata |= {
            f"{name}_per_poster": MetadataValue.float(value)
            for name, value in median_p90_ms(batch.seconds).items()
        }
    metadata |= {
        "this_run_processed": MetadataValue.int(len(run.done) + len(run.failures)),
        "this_run_failed": MetadataValue.int(len(run.failures)),
        **{
            f"this_run_{name}_per_poster": MetadataValue.float(value)
            for name, value in run.timing().items()
        },
    }
    if prepared.model is not None:
        metadata["model"] = MetadataValue.text(prepared.model)
    return metadata


def listing_table(frame: pd.DataFrame, limit: int = LISTING_ROWS) -> MetadataValue:
    """A stage's listing of the batch as a table on the asset's page (its first rows)."""
    shown = frame.head(limit)
    return MetadataValue.table(
        records=[TableRecord(record) for record in shown.to_dict(orient="records")],
        schema=TableSchema(
            columns=[
                TableColumn(str(name), _column_type(dtype)) for name, dtype in shown.dtypes.items()
            ]
        ),
    )


def _column_type(dtype: object) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    return "float" if pd.api.types.is_float_dtype(dtype) else "string"


def missing_model_result(message: str) -> MaterializeResult:
    return MaterializeResult(
        metadata={
            "model": MetadataValue.text("missing"),
            "how_to_fix": MetadataValue.md(message),
            "posters_processed": MetadataValue.int(0),
        }
    )
