"""A partitioned backfill over batches, launched through the running UI's GraphQL API (what
the UI's *Materialize* button sends) and carried out by the daemon that `ui` starts, every
step of a run in the run's one process; then the UI stops on SIGTERM, its webserver and
daemon with it."""

from __future__ import annotations

import signal
import time
import urllib.request
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterRunStatus, RunsFilter

from poster_assets.corpus.batching import new_batch_id
from poster_assets.corpus.discovery import list_image_files
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.home import PosterHome
from poster_assets.runs import open_instance
from poster_assets.store.batches import register_batches
from poster_assets.store.opening import open_database
from poster_assets_tests.ui_process import free_port, graphql, processes_mentioning, start_ui

LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status }
  }
}"""
FAILED = {"COMPLETED_FAILED", "FAILED", "CANCELED", "CANCELING"}


@pytest.mark.slow
def test_backfill_over_two_batches_from_the_ui(home: PosterHome, demo_corpus: Path) -> None:
    """Two batches registered (as the sensor does), nothing run yet: the backfill's runs
    ingest them."""
    files = list_image_files(demo_corpus / "images").files
    planned = [(new_batch_id(), part) for part in (files[:4], files[4:])]
    batch_ids = list(register_batches(open_database(home), planned, "sensor", str(demo_corpus)))
    open_instance(home).add_dynamic_partitions(BATCH_PARTITIONS_NAME, batch_ids)

    port = free_port()
    ui = start_ui(home.root, port)
    try:
        launched = graphql(
            port,
            LAUNCH,
            {
                "params": {
                    "assetSelection": [{"path": ["posters"]}, {"path": ["palette"]}],
                    "partitionNames": batch_ids,
                }
            },
        )["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill_id = launched["backfillId"]
        # Done when the daemon has run every partition; the backfill's own status catches up
        # on a later daemon pass (~30 s), which adds nothing to check.
        instance = open_instance(home)
        deadline = time.monotonic() + 240
        while True:
            runs = instance.get_runs(RunsFilter(tags={"dagster/backfill": backfill_id}))
            if len(runs) == len(batch_ids) and all(run.is_finished for run in runs):
                break
            assert time.monotonic() < deadline, f"backfill runs not done after 240 s: {runs}"
            time.sleep(1)
        status = graphql(port, STATUS, {"id": backfill_id})["partitionBackfillOrError"]["status"]
        assert status not in FAILED, status
        ui.send_signal(signal.SIGTERM)  # started as if backgrounded: SIGINT is ignored
        assert ui.wait(timeout=60) == 0
    finally:
        if ui.poll() is None:
            ui.kill()
    time.sleep(1)
    assert processes_mentioning(str(home.dagster_home)) == []  # webserver and daemon gone too
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)

    assert sorted(run.tags["dagster/partition"] for run in runs) == sorted(batch_ids)
    assert {run.status for run in runs} == {DagsterRunStatus.SUCCESS}
    for run in runs:  # both steps in the run's own process: no process per step
        starts = instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_START)
        assert len(starts) == 2 and len({start.dagster_event.pid for start in starts}) == 1
    with open_database(home).read() as connection:
        assert connection.execute(
            "SELECT count(*), count(DISTINCT poster_id) FROM posters"
        ).fetchone() == (8, 8)
        assert connection.execute("SELECT count(DISTINCT poster_id) FROM palette").fetchone() == (
            8,
        )
