from __future__ import annotations

from pathlib import Path

import yaml
from dagster import AssetKey, Definitions

from poster_assets.definitions import defs
from poster_assets_tests.conftest import REPO_ROOT


def test_definitions_load_with_asset_job_sensor_and_check() -> None:
    Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("process_batch") is not None
    assert defs.resolve_sensor_def("new_poster_files") is not None
    posters = defs.resolve_assets_def(AssetKey("posters"))
    assert posters.partitions_def is not None
    assert [key.name for key in posters.check_keys] == ["failure_rate"]


def test_workspace_yaml_points_at_the_same_definitions() -> None:
    workspace = yaml.safe_load(Path(REPO_ROOT / "workspace.yaml").read_text())
    assert workspace == {"load_from": [{"python_module": "poster_assets.definitions"}]}


def test_materialize_all_of_a_batch_depends_on_nothing_outside_the_batch_job() -> None:
    """The UI warns on "Materialize all" of `process_batch` when an asset in it depends on one
    outside it that was never materialized (it did for `ssl_encoder`)."""
    graph = defs.resolve_asset_graph()
    selected = defs.resolve_job_def("process_batch").asset_layer.selected_asset_keys
    outside = {
        (key.to_user_string(), parent.to_user_string())
        for key in selected
        for parent in graph.get(key).parent_keys
        if parent not in selected
    }
    assert outside == set()
