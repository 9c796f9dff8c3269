"""Nothing about a stage can drift from its declaration: the store's tables and columns, the
asset graph, the bench's stage list and compared tables all agree with the registry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInvalidConfigError, validate_run_config

from poster_assets.bench.path_run import STAGE_ASSETS as BENCH_STAGE_ASSETS
from poster_assets.bench.same_outputs import COMPARED_TABLES
from poster_assets.definitions import defs
from poster_assets.stages.registry import STAGES, check_registry, stage_named, stage_tables
from poster_assets.stages.tables import Column, TableSpec
from poster_assets.store.schema import ensure_schema


def _columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, bool]]:
    return connection.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()


def test_the_store_has_every_registered_table_with_its_columns_in_order() -> None:
    with duckdb.connect() as connection:
        ensure_schema(connection)
        for table in stage_tables():
            found = _columns(connection, table.name)
            assert [name for name, _, _ in found] == table.column_names, table.name
            for (name, data_type, nullable), column in zip(found, table.all_columns, strict=True):
                assert column.sql_type.startswith(data_type), (table.name, name)
                assert nullable == ("NOT NULL" not in column.sql_type), (table.name, name)
            key = connection.execute(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
                [table.name],
            ).fetchone()[0]
            assert tuple(key) == table.key, table.name


def test_the_bench_runs_and_compares_exactly_the_registered_stages() -> None:
    assert [stage.asset for stage in STAGES] == BENCH_STAGE_ASSETS
    assert {table.name: list(table.key) for table in stage_tables()} == COMPARED_TABLES


def test_each_stage_is_an_asset_depending_on_its_upstream_stages() -> None:
    graph = defs.resolve_asset_graph()
    for stage in STAGES:
        key = AssetKey(stage.asset)
        node = graph.get(key)
        expected = {AssetKey(stage_named(name).asset) for name in stage.upstream}
        assert node.parent_keys == (expected or {AssetKey("posters")}), stage.name
        assert node.group_name == stage.group
        assert node.partitions_def is not None
        config = defs.resolve_assets_def(key).op.config_schema.as_field().config_type.fields
        settings = {field.name for field in dataclasses.fields(stage.settings)}
        assert set(config) == settings | {"show_progress"}, stage.name


def test_a_stage_reading_a_table_of_no_upstream_stage_is_refused() -> None:
    layers = stage_named("layers")
    orphan = dataclasses.replace(layers, upstream=("depth",))  # reads titles, not upstream
    stages = tuple(orphan if stage is layers else stage for stage in STAGES)
    with pytest.raises(ValueError, match="must be tables of its upstream stages"):
        check_registry(stages)


def test_a_key_naming_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="key"):
        TableSpec("t", (Column("a", "INTEGER"),), key=("poster_id", "b"))


def test_an_enum_setting_is_a_choice_checked_before_the_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("POSTER_ASSETS_HOME", str(tmp_path))
    layers = defs.resolve_assets_def(AssetKey("layers")).op.config_schema.as_field()
    kmeans = layers.config_type.fields["kmeans"]
    assert [value.config_value for value in kmeans.config_type.enum_values] == ["exact", "lloyd"]
    assert kmeans.default_value == "exact"
    job = defs.resolve_job_def("process_batch")
    validate_run_config(job, {"ops": {"layers": {"config": {"kmeans": "lloyd"}}}})
    with pytest.raises(DagsterInvalidConfigError, match="kmeans"):
        validate_run_config(job, {"ops": {"layers": {"config": {"kmeans": "fast"}}}})


def test_a_stage_table_missing_from_the_declared_tables_is_refused() -> None:
    """The store's schema comes from stages/tables.STAGE_TABLES alone, so each stage's tables
    must be exactly those, in the stages' order."""
    with pytest.raises(ValueError, match="STAGE_TABLES"):
        check_registry(STAGES[:-1])
