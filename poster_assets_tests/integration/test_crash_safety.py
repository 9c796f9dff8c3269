"""Crash safety and concurrency of real `poster-assets ingest` processes into one home: four
runs at once, SQL queries and the Dagster UI answering while they write, a run killed with
SIGKILL halfway then rerun, and one poster failing in one stage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pytest
from dagster import DagsterInstance

from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.home import PosterHome
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.runs import ingest_directory, materialize_batches
from poster_assets.stages.ocr import OcrPipeline
from poster_assets.store.opening import open_database
from poster_assets_tests.ui_process import free_port, graphql, start_ui

CLI = str(Path(sys.executable).parent / "poster-assets")
PER_POSTER_STAGES = ("ocr", "titles", "faces", "objects", "foreground", "embeddings")
RUNS_QUERY = "query { runsOrError { ... on Runs { results { runId status } } } }"


def _start_ingest(home: PosterHome, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [CLI, "ingest", str(folder), "--home", str(home.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a kill reaches every child
    )


def _count(home: PosterHome, sql: str) -> int:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()[0][0]


def _assert_every_poster_once(home: PosterHome, posters: int) -> None:
    assert _count(home, "SELECT count(*) FROM posters") == posters
    for stage in PER_POSTER_STAGES:
        done = f"SELECT count(*) FROM stage_runs WHERE stage = '{stage}' AND status = 'done'"
        assert _count(home, done) == posters, stage
    assert _count(home, "SELECT count(*) FROM titles") == posters
    assert _count(home, "SELECT count(DISTINCT poster_id) FROM embeddings") == posters
    # No rows without their stage's record (each poster's rows and state share a transaction).
    orphans = """
        SELECT count(*) FROM ocr_lines l WHERE NOT EXISTS (
            SELECT 1 FROM stage_runs s WHERE s.poster_id = l.poster_id AND s.stage = 'ocr')
    """
    assert _count(home, orphans) == 0
    assert _count(home, "SELECT count(*) FROM failures") == 0


def test_four_runs_at_once_all_succeed_and_queries_keep_working(tmp_path: Path) -> None:
    home = PosterHome(tmp_path / "home").ensure()
    folders = []
    for index in range(4):
        folder = tmp_path / f"corpus{index}"
        generate_demo_corpus(folder, count=2, seed=40 + index)
        folders.append(folder / "images")
    port = free_port()
    ui = start_ui(home.root, port)
    processes = [_start_ingest(home, folder) for folder in folders]
    try:
        queries, runs_seen = 0, set()
        while any(process.poll() is None for process in processes):
            query = subprocess.run(
                [CLI, "sql", "SELECT count(*) FROM stage_runs", "--home", str(home.root)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert query.returncode == 0, query.stderr
            runs = graphql(port, RUNS_QUERY, {})["runsOrError"]["results"]  # raises on errors
            runs_seen |= {run["runId"] for run in runs}
            queries += 1
            time.sleep(1)
    finally:
        ui.terminate()
        ui.wait(timeout=60)
        for process in processes:
            if process.poll() is None:  # the test failed while they ran: leave nothing behind
                os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        output = process.communicate()[0]
        assert process.returncode == 0, output
        assert "new posters:        2" in output
    assert queries >= 1
    assert len(runs_seen) >= 1  # the UI listed the runs while they wrote
    _assert_every_poster_once(home, 8)
    # One run per batch: no ingest ran another's batch, registered but not yet started, again.
    assert len(DagsterInstance.from_config(str(home.dagster_home)).get_runs()) == 4


def test_a_run_killed_halfway_is_finished_by_the_next_ingest(tmp_path: Path) -> None:
    home = PosterHome(tmp_path / "home").ensure()
    generate_demo_corpus(tmp_path / "corpus", count=12, seed=31)
    folder = tmp_path / "corpus" / "images"
    process = _start_ingest(home, folder)
    deadline = time.monotonic() + 300
    while _count_safely(home, "SELECT count(*) FROM stage_runs WHERE stage = 'ocr'") < 4:
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, "the run never reached OCR"
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    halfway = _count(home, "SELECT count(*) FROM stage_runs WHERE stage = 'embeddings'")
    assert halfway < 12  # killed before the end

    with duckdb.connect(str(home.duckdb_path), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM posters").fetchall() == [(12,)]

    report = ingest_directory(home, folder)
    assert report.failed_runs == []
    assert len(report.resumed_batches) == 1 and report.unchanged_skipped == 12
    _assert_every_poster_once(home, 12)
    assert ingest_directory(home, folder).resumed_batches == []  # nothing left unfinished


def _count_safely(home: PosterHome, sql: str) -> int:
    """0 until the run has created the tables."""
    try:
        return _count(home, sql)
    except duckdb.CatalogException:
        return 0


@pytest.fixture(autouse=True)
def _needs_the_cli() -> None:
    if not Path(CLI).exists():
        pytest.skip(f"the poster-assets script is not installed beside {sys.executable}")


def test_one_posters_stage_failure_is_recorded_and_a_rerun_retries_only_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = PosterHome(tmp_path / "home").ensure()
    generate_demo_corpus(tmp_path / "corpus", count=5, seed=33)
    folder = tmp_path / "corpus" / "images"
    target = decode_image(read_image_bytes(str(sorted(folder.glob("*.jpg"))[0]))).rgb
    original_read = OcrPipeline.read

    def failing_read(self: OcrPipeline, rgb: np.ndarray, side: int | None = None) -> list:
        if rgb.shape == target.shape and np.array_equal(rgb, target):
            raise RuntimeError("injected OCR fault")
        return original_read(self, rgb, side)

    monkeypatch.setattr(OcrPipeline, "read", failing_read)  # fault injection for one poster
    report = ingest_directory(home, folder)
    assert report.failed_runs == [] and report.new_posters == 5
    failed = _rows(home, "SELECT poster_id, kind, message FROM failures WHERE stage = 'ocr'")
    assert len(failed) == 1 and failed[0][1] == "unexpected_error"
    assert "injected OCR fault" in failed[0][2]
    target_id = failed[0][0]
    assert _count(home, "SELECT count(*) FROM failures") == 1  # no other stage or poster
    for stage in ("faces", "objects", "foreground", "embeddings"):
        done = f"SELECT count(*) FROM stage_runs WHERE stage = '{stage}' AND status = 'done'"
        assert _count(home, done) == 5, stage
    before = dict(_rows(home, "SELECT stage || ':' || poster_id, finished_at FROM stage_runs"))

    monkeypatch.undo()
    batch_id = _rows(home, "SELECT batch_id FROM batches")[0][0]
    assert materialize_batches(home, [batch_id]) == []
    after = dict(_rows(home, "SELECT stage || ':' || poster_id, finished_at FROM stage_runs"))
    redone = {key for key in after if after[key] != before.get(key)}
    assert f"ocr:{target_id}" in redone
    assert all(key.endswith(target_id) for key in redone)  # nothing else was redone
    assert _count(home, "SELECT count(*) FROM failures") == 0
    assert _count(home, "SELECT count(*) FROM stage_runs WHERE status = 'failed'") == 0


def _rows(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()
