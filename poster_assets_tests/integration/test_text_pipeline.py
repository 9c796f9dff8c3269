"""Real OCR (PP-OCRv6 on OpenVINO) through the Dagster assets, on generated posters whose
exact titles are known."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance

from poster_assets.corpus.discovery import list_image_files
from poster_assets.definitions import build_definitions
from poster_assets.defs.jobs import PROCESS_BATCH_JOB
from poster_assets.defs.resources import PosterStore
from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.runs import ingest_directory
from poster_assets.store.batches import register_batches
from poster_assets.store.opening import open_database
from poster_assets.vision.text_lines import normalise_text
from poster_assets_tests.image_files import encoded, gradient_rgb, write


@pytest.fixture(scope="module")
def ingested_demo(
    tmp_path_factory: pytest.TempPathFactory, demo_corpus: Path
) -> tuple[PosterHome, str]:
    home = PosterHome(tmp_path_factory.mktemp("text-home")).ensure()
    [batch] = ingest_directory(home, demo_corpus / "images").batches
    return home, batch.batch_id


def _materialize_text_only(home: PosterHome, batch_id: str) -> bool:
    """What a user does from the UI by selecting just `ocr_lines` and `titles`."""
    job = build_definitions(PosterStore(home=str(home.root)), None).resolve_job_def(
        PROCESS_BATCH_JOB
    )
    result = job.execute_in_process(
        instance=DagsterInstance.from_config(str(home.dagster_home)),
        partition_key=batch_id,
        asset_selection=[AssetKey("ocr_lines"), AssetKey("titles")],
    )
    return result.success


def _rows(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


def test_titles_of_generated_posters_are_read_exactly(
    ingested_demo: tuple[PosterHome, str], demo_corpus: Path
) -> None:
    home, _ = ingested_demo
    truth = {
        row["image"]: row for row in map(json.loads, (demo_corpus / "ground_truth.jsonl").open())
    }
    found = _rows(
        home,
        "SELECT regexp_extract(p.path, '[^/]+$'), t.title_text, t.placement_v, t.placement_h, "
        "t.x0, t.y0, t.x1, t.y1 FROM titles t JOIN posters p USING (poster_id)",
    )
    assert len(found) == len(truth) == 8
    exact = 0
    for name, text, vertical, horizontal, *box in found:
        expected = truth[name]
        if normalise_text(text) != normalise_text(expected["title"]):
            continue
        exact += 1
        assert (vertical, horizontal) == (expected["placement_v"], expected["placement_h"])
        x0, y0, x1, y1 = expected["title_box"]
        assert box[0] <= x0 + 8 and box[1] <= y0 + 8 and box[2] >= x1 - 8 and box[3] >= y1 - 8
    assert exact >= 7, found


def test_every_line_is_stored_with_polygon_and_confidence(
    ingested_demo: tuple[PosterHome, str],
) -> None:
    home, _ = ingested_demo
    [(posters, lines, bad_polygons, bad_confidence)] = _rows(
        home,
        "SELECT count(DISTINCT poster_id), count(*), "
        "count(*) FILTER (WHERE len(polygon) <> 8 OR x1 < x0 OR y1 < y0), "
        "count(*) FILTER (WHERE confidence NOT BETWEEN 0 AND 1) FROM ocr_lines",
    )
    assert posters == 8 and lines >= 8 * 3  # title plus three credit lines each
    assert (bad_polygons, bad_confidence) == (0, 0)
    credits = _rows(home, "SELECT count(*) FROM ocr_lines WHERE text ILIKE 'DIRECTED BY%'")
    assert credits[0][0] >= 6


def test_rerun_skips_finished_posters_records_failures_and_retries_them(
    home: PosterHome, demo_corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "posters"
    folder.mkdir()
    for name in sorted(os.listdir(demo_corpus / "images"))[:3]:
        shutil.copy(demo_corpus / "images" / name, folder / name)
    [batch] = ingest_directory(home, folder).batches
    finished = dict(
        _rows(home, "SELECT poster_id, finished_at FROM stage_runs WHERE stage = 'ocr'")
    )
    assert len(finished) == 3

    # One poster needs OCR again, but its kept copy and its file have both gone missing.
    victim_id, victim_path = _rows(home, "SELECT poster_id, path FROM posters ORDER BY path")[0]
    with open_database(home).write() as connection:
        connection.execute("DELETE FROM stage_runs WHERE poster_id = ?", [victim_id])
    PosterCopies(home.poster_copies_dir).path(victim_id).unlink()
    moved = tmp_path / "moved.jpg"
    shutil.move(victim_path, moved)
    assert _materialize_text_only(home, batch.batch_id)  # the batch run still succeeds
    after = dict(_rows(home, "SELECT poster_id, status FROM stage_runs WHERE stage = 'ocr'"))
    assert after[victim_id] == "failed"
    [(kind, message)] = _rows(home, "SELECT kind, message FROM failures WHERE stage = 'ocr'")
    assert kind == "unreadable" and "No such file" in message
    untouched = dict(
        _rows(
            home,
            "SELECT poster_id, finished_at FROM stage_runs WHERE status = 'done' AND stage = 'ocr'",
        )
    )
    assert untouched == {key: value for key, value in finished.items() if key != victim_id}

    # The file is back (checked against its hash): only the failed poster is retried, and its
    # failure row goes.
    shutil.move(moved, victim_path)
    assert _materialize_text_only(home, batch.batch_id)
    assert _rows(
        home, "SELECT count(*) FROM stage_runs WHERE stage = 'ocr' AND status = 'done'"
    ) == [(3,)]
    assert _rows(home, "SELECT count(*) FROM failures WHERE stage = 'ocr'") == [(0,)]
    assert _rows(home, "SELECT count(*) FROM titles") == [(3,)]


def test_a_poster_without_text_gets_an_empty_title_and_a_reason(
    home: PosterHome, tmp_path: Path
) -> None:
    folder = tmp_path / "blank"
    write(folder / "blank.png", encoded(gradient_rgb(300, 450), "PNG"))
    ingest_directory(home, folder)
    assert _rows(home, "SELECT title_text, reason, x0, placement_v FROM titles") == [
        ("", "no text found", None, None)
    ]


def test_a_file_replaced_during_a_run_keeps_its_posters_own_analysis(
    ingested_demo: tuple[PosterHome, str], demo_corpus: Path, tmp_path: Path
) -> None:
    """The file is swapped for another poster between ingest and OCR: the stages read the
    bytes kept at ingest, so the poster gets the title it has in a run left alone."""
    reference_home, _ = ingested_demo
    first, other = sorted((demo_corpus / "images").iterdir())[:2]
    folder = tmp_path / "incoming"
    folder.mkdir()
    shutil.copy(first, folder / first.name)
    home = PosterHome(tmp_path / "home").ensure()
    register_batches(open_database(home), [("b1", list_image_files(folder).files)], "cli", "/")
    instance = DagsterInstance.from_config(str(home.dagster_home))
    instance.add_dynamic_partitions("batches", ["b1"])
    job = build_definitions(PosterStore(home=str(home.root)), None).resolve_job_def(
        PROCESS_BATCH_JOB
    )
    run = functools.partial(job.execute_in_process, instance=instance, partition_key="b1")
    assert run(asset_selection=[AssetKey("posters")]).success
    shutil.copy(other, folder / first.name)  # replaced after it was hashed
    assert run(asset_selection=[AssetKey("ocr_lines"), AssetKey("titles")]).success

    poster_id = hashlib.sha256(first.read_bytes()).hexdigest()
    query = "SELECT poster_id, title_text, x0, y0, x1, y1 FROM titles"
    assert _rows(home, query) == _rows(reference_home, f"{query} WHERE poster_id = '{poster_id}'")
    assert _rows(home, "SELECT count(*) FROM failures") == [(0,)]
