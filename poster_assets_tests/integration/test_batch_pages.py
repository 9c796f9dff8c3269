"""What people see of a batch: asset metadata that states the batch even after a rerun that
did nothing, pictures linked in place with captions and legends, the titles table, the HTML
report, and command-line runs recorded as runs of the UI's code location."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunsFilter

from poster_assets.defs.jobs import PROCESS_BATCH_JOB
from poster_assets.defs.located_runs import CODE_LOCATION, LAUNCHED_BY_TAG
from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.report.batch_report import ReportSettings, write_report
from poster_assets.runs import materialize_batches
from poster_assets.stages.anatomy import load_anatomy
from poster_assets.store.batches import all_batch_ids
from poster_assets.store.opening import open_database
from poster_assets.store.stages import StoredRows
from poster_assets_tests.published_pictures import linked_pictures

pytestmark = pytest.mark.shared_data


def _latest(instance: DagsterInstance, asset: str) -> dict[str, object]:
    event = instance.get_latest_materialization_event(AssetKey(asset))
    return {key: value.value for key, value in event.asset_materialization.metadata.items()}


def _true_titles(demo_corpus: Path) -> set[str]:
    return set(pd.read_csv(demo_corpus / "labels.csv")["title"])


def test_a_rerun_with_nothing_to_do_states_the_batch_and_keeps_its_pictures(
    layered_home: PosterHome, demo_corpus: Path
) -> None:
    instance = DagsterInstance.from_config(str(layered_home.dagster_home))
    batches = all_batch_ids(open_database(layered_home))
    assert materialize_batches(layered_home, batches) == []  # current (other tests change it)
    before = {asset: _latest(instance, asset) for asset in ("titles", "layers", "foreground")}
    assert materialize_batches(layered_home, batches) == []  # every stage finds nothing to do
    for asset, earlier in before.items():
        metadata = _latest(instance, asset)
        assert metadata["this_run_processed"] == 0
        assert metadata["posters"] == metadata["done"] == 8 and metadata["failed"] == 0
        assert metadata[f"{asset}_rows"] >= 8  # each of these assets writes a table of its name
        assert metadata["median_ms_per_poster"] > 0  # the batch's, from the store
        assert metadata["preview"] == earlier["preview"]  # the same picture, not drawn again
        assert linked_pictures(instance, metadata["preview"])  # and its file is there
    titles = _latest(instance, "titles")
    assert titles["titles_found"] >= 6 and titles["mean_confidence"] > 0.3
    assert len(titles["titles"].records) == 8
    read = {record.data["title"] for record in titles["titles"].records}
    assert len(read & _true_titles(demo_corpus)) >= 6
    layers = _latest(instance, "layers")
    assert layers["title_mostly_in_one_layer"] > 0 and layers["share_with_title_layer"] > 0


def test_the_anatomy_shows_composition_faces_and_objects(layered_home: PosterHome) -> None:
    db = open_database(layered_home)
    with db.read() as connection:
        (poster_id,) = connection.execute(
            "SELECT poster_id FROM objects GROUP BY poster_id ORDER BY poster_id LIMIT 1"
        ).fetchone()
    anatomy = load_anatomy(StoredRows(db, PosterCopies(layered_home.poster_copies_dir)), poster_id)
    assert anatomy.foreground is not None and anatomy.foreground.any()
    assert anatomy.roles is not None and anatomy.roles.shape == anatomy.rgb.shape[:2]
    assert anatomy.objects and anatomy.caption.startswith(f"poster {poster_id[:8]} ")


def test_the_report_lays_out_each_poster_with_titles_and_neighbours(
    layered_home: PosterHome, demo_corpus: Path, tmp_path: Path
) -> None:
    db = open_database(layered_home)
    page = write_report(layered_home, db, tmp_path / "report", ReportSettings(neighbours=3))
    html = page.read_text()
    assert html.count('<section class="card"') == 8
    headings = set(re.findall(r"<h2>(.*?) <small>", html))
    assert len(headings & _true_titles(demo_corpus)) >= 6
    pictures = re.findall(r'src="(pictures/[^"]+)"', html)
    assert len([p for p in pictures if p.endswith("-anatomy.png")]) == 8
    assert len([p for p in pictures if p.endswith("-thumb.jpg")]) == 8 * 3
    assert all((page.parent / picture).stat().st_size > 1000 for picture in pictures)
    assert "cosine similarity of ImageNet embeddings" in html


def test_command_line_runs_are_runs_of_the_code_location(layered_home: PosterHome) -> None:
    instance = DagsterInstance.from_config(str(layered_home.dagster_home))
    runs = instance.get_runs(filters=RunsFilter(job_name=PROCESS_BATCH_JOB))
    assert runs and all(run.status == DagsterRunStatus.SUCCESS for run in runs)
    for run in runs:
        assert run.remote_job_origin.location_name == CODE_LOCATION
        assert run.remote_job_origin.repository_origin.repository_name == "__repository__"
        assert run.tags[LAUNCHED_BY_TAG] == "poster-assets command line"


def test_depth_quality_says_whether_depth_follows_the_subjects(layered_home: PosterHome) -> None:
    """The demo corpus pastes its subjects on photographs: PyDNet's verdict is on the page."""
    rows = _query_all(layered_home, "SELECT subject_nearer, column_r, row_r FROM depth_quality")
    assert len(rows) == 8 and all(-1 <= r <= 1 for _, *rs in rows for r in rs)
    assert any(nearer is not None for nearer, *_ in rows)  # the astronauts are people
    instance = DagsterInstance.from_config(str(layered_home.dagster_home))
    metadata = _latest(instance, "depth_quality")
    assert 0 <= metadata["people_nearer_rate"] <= 1 and metadata["posters_with_people"] >= 1
    assert "posters (chance: 50%)" in metadata["depth_verdict"]


def _query_all(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()
