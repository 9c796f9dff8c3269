"""The `posters` asset: a batch's files, hashed, decoded and recorded in DuckDB."""

from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from poster_assets.corpus.ingest import IngestResult, ingest_files
from poster_assets.corpus.metadata import MetadataFormatError, read_metadata_csv
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME, batch_partitions
from poster_assets.defs.preview_files import preview_markdown
from poster_assets.defs.resources import PosterStore
from poster_assets.errors import PosterInputError
from poster_assets.imaging.decode import DecodeLimits
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.imaging.preview import contact_sheet
from poster_assets.store.batches import batch_file_paths
from poster_assets.store.database import PosterDatabase
from poster_assets.store.metadata import MetadataReport, store_metadata
from poster_assets.store.posters import (
    BatchSummary,
    batch_poster_paths,
    ingested_rows,
    replace_batch_ingest,
    summarize_batch,
)
from poster_assets.store.trailers import match_trailers

PREVIEW_POSTERS = 6


class IngestConfig(Config):
    max_pixels: int = DecodeLimits.max_pixels
    max_file_mb: int = DecodeLimits.max_file_bytes // (1024 * 1024)
    min_side: int = DecodeLimits.min_side
    max_failure_rate: float = 0.2
    show_progress: bool = True
    metadata_csv: str = Field(
        default="",
        description="A CSV of titles, years and genres (by file name or id) joined onto every "
        "known poster as table `metadata` before the stages run; `titles` then locates each "
        "known title among the OCR lines.",
    )


@asset(
    partitions_def=batch_partitions,
    group_name="ingest",
    kinds={"python", "duckdb"},
    code_version="1",
    check_specs=[
        AssetCheckSpec(
            "failure_rate",
            asset="posters",
            description="Share of the batch's files that could not be ingested.",
        )
    ],
)
def posters(
    context: AssetExecutionContext, config: IngestConfig, store: PosterStore
) -> MaterializeResult:
    """Hash, decode and validate each file of the batch not ingested yet (a rerun retries
    the failed ones and keeps the rest as stored); valid posters go to table `posters` (keyed
    by sha256), their paths to `poster_paths`, unusable files to `failures`.

    Partitions are ingest batches, made by `poster-assets ingest` and the new-poster sensor.
    To rerun batches, pick existing ones in the launch dialog (All, or their ids); a
    partition added there by hand is not a batch and its run removes it."""
    batch_id = context.partition_key
    db = store.database()
    paths = batch_file_paths(db, batch_id)
    if not paths:
        # A partition added by hand in the launch dialog: removed, so that it does not stay
        # in the partition bar as a failure.
        context.instance.delete_dynamic_partition(BATCH_PARTITIONS_NAME, batch_id)
        raise Failure(
            f"{batch_id!r} is not an ingest batch, so its partition was removed: batches are "
            "made by `poster-assets ingest DIR` and the new-poster sensor; to rerun batches, "
            "pick existing ones in the dialog (e.g. All)"
        )
    limits = DecodeLimits(
        max_pixels=config.max_pixels,
        max_file_bytes=config.max_file_mb * 1024 * 1024,
        min_side=config.min_side,
    )
    copies = PosterCopies(store.paths().poster_copies_dir)
    kept = ingested_rows(db, batch_id)  # a rerun reads only the files not ingested yet
    done = {row.path for row in kept.paths}
    todo = [path for path in paths if path not in done]
    result = ingest_files(todo, batch_id, copies, limits, show_progress=config.show_progress)
    replace_batch_ingest(
        db,
        batch_id,
        IngestResult(kept.posters + result.posters, kept.paths + result.paths, result.failures),
    )
    joined = _join_metadata(db, config.metadata_csv) if config.metadata_csv else None
    trailers = match_trailers(db)  # videos registered by the ingest or the sensor's listing
    summary = summarize_batch(db, batch_id)
    for failure in result.failures:
        context.log.warning(f"{failure.path}: {failure.kind}: {failure.message}")

    metadata: dict[str, object] = {
        "files": MetadataValue.int(summary.files),
        "new_posters": MetadataValue.int(summary.new_posters),
        "already_known": MetadataValue.int(summary.already_known),
        "failed": MetadataValue.int(summary.failed),
        "store": MetadataValue.text(db.location),
    }
    if joined is not None:
        metadata["metadata_posters_matched"] = MetadataValue.int(joined.posters_matched)
    metadata["posters_with_trailer"] = MetadataValue.int(trailers.posters_with_trailer)
    first = batch_poster_paths(db, batch_id, PREVIEW_POSTERS)
    preview = preview_markdown(
        context.instance,
        "posters",
        "|".join(poster_id for poster_id, _ in first),
        "the batch's first posters",
        lambda: _contact_sheet(copies, first),
    )
    if preview:
        metadata["preview"] = MetadataValue.md(preview)
    return MaterializeResult(
        metadata=metadata, check_results=[failure_rate_check(summary, config.max_failure_rate)]
    )


def _join_metadata(db: PosterDatabase, csv_path: str) -> MetadataReport:
    try:
        return store_metadata(db, read_metadata_csv(Path(csv_path)), csv_path)
    except MetadataFormatError as error:
        raise Failure(f"metadata_csv: {error}") from error


def failure_rate_check(summary: BatchSummary, max_failure_rate: float) -> AssetCheckResult:
    return AssetCheckResult(
        check_name="failure_rate",
        passed=summary.failure_rate <= max_failure_rate,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "failed": MetadataValue.int(summary.failed),
            "files": MetadataValue.int(summary.files),
            "failure_rate": MetadataValue.float(summary.failure_rate),
            "max_failure_rate": MetadataValue.float(max_failure_rate),
        },
    )


def _contact_sheet(copies: PosterCopies, posters: list[tuple[str, str]]) -> bytes | None:
    """Best effort: a poster whose bytes cannot be read is left out of the picture only."""
    images, captions = [], []
    for poster_id, path in posters:
        try:
            images.append(copies.rgb(poster_id, path))
        except PosterInputError:
            continue
        captions.append(f"{poster_id[:8]} {Path(path).name}")
    return contact_sheet(images, captions) if images else None
