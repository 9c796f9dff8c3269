"""Single stage assets materialized with `dagster.materialize` on a few generated posters,
where the whole graph is not needed: a poster failing in `titles` is one failure row, and
titles redone under another OCR config redo the layers derived from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetsDefinition, DagsterInstance, materialize

from poster_assets.corpus.batching import new_batch_id
from poster_assets.corpus.discovery import list_image_files
from poster_assets.defs.ingest_assets import posters
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.defs.resources import PosterCompute, PosterStore
from poster_assets.defs.stage_assets import STAGE_ASSETS
from poster_assets.home import PosterHome
from poster_assets.models.registry import register_depth_model
from poster_assets.stages import depth as depth_stage
from poster_assets.stages import titles as title_stage
from poster_assets.store.batches import register_batches
from poster_assets.store.opening import open_database
from poster_assets_tests.conftest import shared_dir

ASSETS = {asset.key.to_user_string(): asset for asset in STAGE_ASSETS}
QUIET = {"show_progress": False}


def _batch(home: PosterHome, folder: Path, instance: DagsterInstance) -> str:
    batch_id = new_batch_id()
    register_batches(
        open_database(home), [(batch_id, list_image_files(folder).files)], "cli", str(folder)
    )
    instance.add_dynamic_partitions(BATCH_PARTITIONS_NAME, [batch_id])
    return batch_id


def _materialize(
    home: PosterHome,
    instance: DagsterInstance,
    batch_id: str,
    assets: list[AssetsDefinition],
    config: dict[str, dict] | None = None,
) -> None:
    names = [asset.key.to_user_string() for asset in assets]
    ops = {name: {"config": QUIET | (config or {}).get(name, {})} for name in names}
    result = materialize(
        assets,
        instance=instance,
        partition_key=batch_id,
        resources={"store": PosterStore(home=str(home.root)), "compute": PosterCompute()},
        run_config={"ops": ops},
    )
    assert result.success


def _rows(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def three_posters(tmp_path: Path, demo_corpus: Path) -> Path:
    folder = tmp_path / "three"
    folder.mkdir()
    for source in sorted((demo_corpus / "images").iterdir())[:3]:
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def test_one_poster_failing_in_titles_is_one_failure_row(
    home: PosterHome, three_posters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = DagsterInstance.ephemeral()
    batch_id = _batch(home, three_posters, instance)
    _materialize(home, instance, batch_id, [posters, ASSETS["ocr_lines"]])
    [(target,)] = _rows(home, "SELECT poster_id FROM posters ORDER BY path LIMIT 1")
    original = title_stage.title_row

    def failing(lines, width, height, scorer, known):  # noqa: ANN001, ANN202 - fault injection
        if len(lines) and (lines["poster_id"] == target).all():
            raise RuntimeError("injected title fault")
        return original(lines, width, height, scorer, known)

    monkeypatch.setattr(title_stage, "title_row", failing)
    _materialize(home, instance, batch_id, [ASSETS["titles"]])
    failures = _rows(home, "SELECT poster_id, stage, kind, message FROM failures")
    assert failures == [
        (target, "titles", "unexpected_error", "RuntimeError: injected title fault")
    ]
    assert _rows(home, "SELECT count(*) FROM titles") == [(2,)]
    monkeypatch.undo()
    _materialize(home, instance, batch_id, [ASSETS["titles"]])  # the failed poster is retried
    assert _rows(home, "SELECT count(*) FROM titles") == [(3,)]
    assert _rows(home, "SELECT count(*) FROM failures") == [(0,)]


@pytest.mark.shared_data
def test_titles_redone_under_another_ocr_config_redo_the_layers(
    home: PosterHome, three_posters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pydnet = shared_dir() / "models" / "pydnet" / "optimized_pydnet++.tflite"
    if not pydnet.exists():
        pytest.skip(f"PyDNet weights not found at {pydnet} (put ../shared beside the repository)")
    register_depth_model(home.models_dir, "pydnet", pydnet)
    instance = DagsterInstance.ephemeral()
    batch_id = _batch(home, three_posters, instance)
    text = [ASSETS["ocr_lines"], ASSETS["titles"]]
    _materialize(home, instance, batch_id, [posters, *text, ASSETS["depth_maps"], ASSETS["layers"]])
    titled = "SELECT count(*) FROM layers WHERE is_title_layer"
    assert _rows(home, titled) == [(3,)]  # every generated poster has a title
    # A detector threshold no line passes: no titles any more.
    _materialize(home, instance, batch_id, text, {"ocr_lines": {"det_box_thresh": 0.999}})
    assert _rows(home, "SELECT count(*) FROM titles WHERE title_text <> ''") == [(0,)]
    _materialize(home, instance, batch_id, [ASSETS["layers"]])
    assert _rows(home, titled) == [(0,)]
    assert _rows(home, "SELECT count(*) FROM layers WHERE title_share IS NOT NULL") == [(0,)]

    def unloadable(*args: object) -> None:
        raise AssertionError("a finished batch loaded the depth network")

    monkeypatch.setattr(depth_stage, "load_depth_estimator", unloadable)
    _materialize(home, instance, batch_id, [ASSETS["depth_maps"]])  # nothing pending, no load
