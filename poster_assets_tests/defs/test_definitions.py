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
