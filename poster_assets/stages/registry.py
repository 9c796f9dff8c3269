"""Every per-poster stage, in an order where each comes after its upstream stages. The asset
graph, the bench's stage list and its table comparison are read from here: a new stage is one
line below and its tables in `stages/tables.py` (docs/architecture.md)."""

from __future__ import annotations

from poster_assets.stages.composition import COMPOSITION_STAGE
from poster_assets.stages.depth import DEPTH
from poster_assets.stages.depth_quality import DEPTH_QUALITY_STAGE
from poster_assets.stages.detection import FACE, OBJECT
from poster_assets.stages.embeddings import EMBEDDING
from poster_assets.stages.foreground import FOREGROUND_STAGE
from poster_assets.stages.layers import LAYER
from poster_assets.stages.ocr import OCR
from poster_assets.stages.palette import PALETTE_STAGE
from poster_assets.stages.patch_tokens import PATCH_TOKENS_STAGE
from poster_assets.stages.spec import StageSpec
from poster_assets.stages.tables import CORE_READS, STAGE_TABLES, TableSpec
from poster_assets.stages.text_tokens import TEXT_TOKENS_STAGE
from poster_assets.stages.titles import TITLE
from poster_assets.stages.trailer_frames import TRAILER_FRAMES_STAGE
from poster_assets.stages.trailer_shots import TRAILER_SHOTS_STAGE

STAGES: tuple[StageSpec, ...] = (
    OCR,
    TITLE,
    DEPTH,
    LAYER,
    FACE,
    OBJECT,
    DEPTH_QUALITY_STAGE,
    FOREGROUND_STAGE,
    COMPOSITION_STAGE,
    EMBEDDING,
    PALETTE_STAGE,
    PATCH_TOKENS_STAGE,
    TEXT_TOKENS_STAGE,
    TRAILER_SHOTS_STAGE,
    TRAILER_FRAMES_STAGE,
)


def stage_named(name: str) -> StageSpec:
    return next(stage for stage in STAGES if stage.name == name)


def stage_and_ancestors(name: str) -> list[str]:
    """The stage and every stage upstream of it: what its rows were derived from."""
    found = [name]
    for upstream in stage_named(name).upstream:
        found += [stage for stage in stage_and_ancestors(upstream) if stage not in found]
    return found


def stage_tables() -> tuple[TableSpec, ...]:
    return tuple(table for stage in STAGES for table in stage.tables)


def check_registry(stages: tuple[StageSpec, ...]) -> None:
    """Names, assets and tables unique; every upstream stage listed before the stage."""
    tables_of: dict[str, set[str]] = {}
    for stage in stages:
        missing = [name for name in stage.upstream if name not in tables_of]
        if missing:
            raise ValueError(f"stage {stage.name}: upstream {missing} not registered before it")
        readable = set(CORE_READS).union(*(tables_of[name] for name in stage.upstream))
        if not set(stage.reads) <= readable or not set(stage.requires) <= set(stage.reads):
            raise ValueError(
                f"stage {stage.name}: reads {stage.reads} (requires {stage.requires}) must be "
                f"tables of its upstream stages {stage.upstream} or of {sorted(CORE_READS)}"
            )
        tables_of[stage.name] = {table.name for table in stage.tables}
    for what in ("name", "asset"):
        values = [getattr(stage, what) for stage in stages]
        if len(set(values)) != len(values):
            raise ValueError(f"stage {what}s repeat: {values}")
    tables = [table.name for stage in stages for table in stage.tables]
    if len(set(tables)) != len(tables):
        raise ValueError(f"a table is declared by two stages: {tables}")

    if tuple(table for stage in stages for table in stage.tables) != STAGE_TABLES:
        raise ValueError(
            "stages/tables.STAGE_TABLES must list every stage's tables, in the stages' order"
        )


check_registry(STAGES)
