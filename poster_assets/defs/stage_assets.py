"""One partitioned asset per registered stage, built from its declaration: its deps are its
upstream stages, its config its settings, and every run processes only the batch's posters
the stage has not finished at its current version (delta and retry) and replaces their rows.
Its metadata and picture describe the batch as stored, so a rerun with nothing to do keeps
them.
"""

import dataclasses
import enum
import typing

import anyio.to_thread
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    EnumValue,
    Field,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster import Enum as ConfigEnum

from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.preview_files import preview_markdown
from poster_assets.defs.resources import PosterCompute, PosterStore
from poster_assets.defs.stage_io import (
    listing_table,
    missing_model_result,
    run_pending,
    stage_metadata,
    store_result,
    upstream_rows,
)
from poster_assets.errors import ModelMissingError, PosterAssetsError
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.stages.registry import STAGES, stage_and_ancestors, stage_named
from poster_assets.stages.spec import StageContext, StageSpec, no_preview
from poster_assets.store.batch_state import (
    batch_done_posters,
    batch_rows,
    stage_batch_state,
    stages_stamp,
)
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import StoredRows, pending_posters

PREVIEW_POSTERS = 6


def settings_schema(settings: type) -> dict[str, Field]:
    """The stage's settings dataclass as Dagster config (shown in the UI's launchpad); an
    enum setting is a choice there, checked before the run starts."""
    hints = typing.get_type_hints(settings)
    schema = {
        field.name: _config_field(hints[field.name], field.default)
        for field in dataclasses.fields(settings)
    }
    schema["show_progress"] = Field(bool, default_value=True, is_required=False)
    return schema


def _config_field(hint: type, default: object) -> Field:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        choices = [EnumValue(member.value, python_value=member) for member in hint]
        return Field(
            ConfigEnum(hint.__name__, choices), default_value=default.value, is_required=False
        )
    return Field(hint, default_value=default, is_required=False)


def materialize_stage(
    spec: StageSpec,
    context: AssetExecutionContext,
    store: PosterStore,
    compute: PosterCompute,
) -> MaterializeResult:
    config = dict(context.op_execution_context.op_config or {})
    show_progress = config.pop("show_progress", True)
    home = store.paths()
    workers = compute.worker_count() if spec.parallel else 1
    try:
        prepared = spec.prepare(
            StageContext(home, spec.settings(**config), compute.library_defaults, workers)
        )
    except ModelMissingError as error:
        context.log.warning(str(error))
        return missing_model_result(str(error))
    db = store.database()
    batch_id = context.partition_key
    copies = PosterCopies(home.poster_copies_dir)
    with db.held():  # the step's reads before its work, on one connection
        todo = pending_posters(
            db, spec.name, prepared.version, batch_id, spec.upstream, spec.requires, spec.reads
        )
        upstream = upstream_rows(db, spec.reads, todo)
    result = run_pending(
        context, stage=spec.name, tables=spec.tables, prepared=prepared, todo=todo,
        upstream=upstream, show_progress=show_progress, workers=workers, copies=copies,
    )  # fmt: skip
    with db.held():  # its write and the reads after it, the preview's included
        store_result(context, db, stage=spec.name, prepared=prepared, todo=todo, result=result)
        batch = stage_batch_state(db, spec.name, prepared.version, batch_id)
        stored = {table.name: batch_rows(db, table, batch_id) for table in spec.tables}
        picture = _preview(context, spec, db, copies, prepared.version)
    counts = {f"{name}_rows": len(frame) for name, frame in stored.items()}
    metadata = stage_metadata(prepared, result, batch, {**counts, **spec.summarize(stored)})
    if spec.listing is not None:
        metadata[spec.asset] = listing_table(spec.listing(stored))
    if picture:
        metadata["preview"] = MetadataValue.md(picture)
    return MaterializeResult(metadata=metadata)


def _preview(
    context: AssetExecutionContext,
    spec: StageSpec,
    db: PosterDatabase,
    copies: PosterCopies,
    version: str,
) -> str | None:
    """The stage's picture of the batch's first finished posters, drawn from the rows of the
    stage and those upstream (again only when those rows changed). Best effort: a picture
    that cannot be drawn is a warning, never a failed batch."""
    if spec.preview is no_preview:
        return None
    shown = batch_done_posters(db, spec.name, version, context.partition_key, PREVIEW_POSTERS)
    if not shown:
        return None
    try:
        return preview_markdown(
            context.instance,
            spec.asset,
            f"{version}|{stages_stamp(db, shown, stage_and_ancestors(spec.name))}",
            spec.preview_caption,
            lambda: spec.preview(StoredRows(db, copies), shown),
        )
    except PosterAssetsError as error:
        context.log.warning(f"no preview for {spec.asset}: {error}")
        return None


def stage_asset(spec: StageSpec) -> AssetsDefinition:
    deps = [stage_named(name).asset for name in spec.upstream] or ["posters"]

    @asset(
        name=spec.asset,
        deps=deps,
        partitions_def=batch_partitions,
        group_name=spec.group,
        kinds=set(spec.kinds),
        code_version="1",
        description=spec.description,
        config_schema=settings_schema(spec.settings),
    )
    async def _stage(
        context: AssetExecutionContext, store: PosterStore, compute: PosterCompute
    ) -> MaterializeResult:
        # In a thread of its own, so the per-batch job's executor runs stages that do not
        # wait on each other at once (OCR beside depth; small stages beside large ones).
        return await anyio.to_thread.run_sync(materialize_stage, spec, context, store, compute)

    return _stage


STAGE_ASSETS = [stage_asset(spec) for spec in STAGES]
