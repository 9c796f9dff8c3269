"""Runs whose process died: ingests killed with SIGKILL while the UI runs leave runs STARTED;
they must not hold the instance's run slots (4), so the sensor's next run still completes, and
a sensor run cut off by stopping the UI is run again when the UI starts again."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from poster_assets.defs.abandoned_runs import ABANDONED_TAG, run_process_id
from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.home import PosterHome
from poster_assets.store.opening import open_database
from poster_assets_tests.ui_process import CONSOLE_SCRIPT, free_port, graphql, start_ui

LOCATION_QUERY = """
query { repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }
"""
START_SENSOR = """
mutation($selector: SensorSelector!) {
  startSensor(sensorSelector: $selector) { __typename ... on PythonError { message } }
}
"""


def _wait_for(what: str, check: Callable[[], object], timeout_s: float = 240) -> object:
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(1)
    return found


def _runs(home: PosterHome, **filters: object) -> list[DagsterRun]:
    instance = DagsterInstance.from_config(str(home.dagster_home))
    return list(instance.get_runs(filters=RunsFilter(**filters)))


def _started_with_a_process(home: PosterHome) -> list[DagsterRun]:
    instance = DagsterInstance.from_config(str(home.dagster_home))
    started = _runs(home, statuses=[DagsterRunStatus.STARTED])
    return [run for run in started if run_process_id(instance, run.run_id) is not None]


def _start_sensor(port: int) -> None:
    [repository] = graphql(port, LOCATION_QUERY, {})["repositoriesOrError"]["nodes"]
    selector = {
        "repositoryName": repository["name"],
        "repositoryLocationName": repository["location"]["name"],
        "sensorName": "new_poster_files",
    }
    started = graphql(port, START_SENSOR, {"selector": selector})["startSensor"]
    assert started["__typename"] == "Sensor", started


def _kill_ingests_once_running(home: PosterHome, tmp_path: Path, count: int) -> None:
    processes = []
    for index in range(count):
        generate_demo_corpus(tmp_path / f"cli{index}", count=2, seed=70 + index)
        processes.append(
            subprocess.Popen(
                [CONSOLE_SCRIPT, "ingest", str(tmp_path / f"cli{index}" / "images"),
                 "--home", str(home.root)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )  # fmt: skip
    try:
        _wait_for(f"{count} started runs", lambda: len(_started_with_a_process(home)) >= count)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(autouse=True)
def _needs_the_cli() -> None:
    if not Path(CONSOLE_SCRIPT).exists():
        pytest.skip(f"the poster-assets script is not installed beside {CONSOLE_SCRIPT}")


def test_killed_runs_do_not_block_the_sensor_and_a_cut_off_run_is_resumed(
    tmp_path: Path,
) -> None:
    home = PosterHome(tmp_path / "home").ensure()
    watched = tmp_path / "watched"
    watched.mkdir()
    generate_demo_corpus(tmp_path / "incoming", count=3, seed=90)
    port = free_port()
    ui = start_ui(home.root, port, watch=watched)
    try:
        _start_sensor(port)
        _kill_ingests_once_running(home, tmp_path, count=4)  # all 4 run slots held by the dead
        assert len(_runs(home, statuses=[DagsterRunStatus.STARTED])) == 4

        for image in sorted((tmp_path / "incoming" / "images").iterdir()):
            shutil.copy(image, watched / image.name)
        sensor_run = _wait_for(
            "a sensor run to start",
            lambda: [
                run for run in _started_with_a_process(home) if "dagster/sensor_name" in run.tags
            ],
        )[0]
        ui.send_signal(signal.SIGTERM)  # stop the UI while the sensor's run is under way
        ui.wait(timeout=90)
        dead = {run.run_id: run.status for run in _runs(home, tags={ABANDONED_TAG: "true"})}
        assert set(dead.values()) == {DagsterRunStatus.FAILURE}
        # The run cut off is marked as the UI stops, unless its process was still exiting
        # then; the next start marks it (asserted below).
        assert len(dead) == (5 if sensor_run.run_id in dead else 4)

        ui = start_ui(home.root, port, watch=watched)
        partition = sensor_run.tags["dagster/partition"]
        _wait_for(
            "the cut-off batch to succeed",
            lambda: _runs(
                home, tags={"dagster/partition": partition}, statuses=[DagsterRunStatus.SUCCESS]
            ),
        )
    finally:
        ui.terminate()
        ui.wait(timeout=90)
    [cut_off] = _runs(home, run_ids=[sensor_run.run_id])
    assert cut_off.status == DagsterRunStatus.FAILURE and cut_off.tags[ABANDONED_TAG] == "true"
    with open_database(home).read() as connection:
        files, done = connection.execute(
            "SELECT (SELECT count(*) FROM batch_files WHERE batch_id = $b), (SELECT count(*) "
            "FROM stage_runs WHERE batch_id = $b AND stage = 'embeddings' AND status = 'done')",
            {"b": partition},
        ).fetchone()
    assert done == files >= 1  # every poster of the cut-off batch finished
