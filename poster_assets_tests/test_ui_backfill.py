"""A partitioned backfill over batches, launched through the running UI's GraphQL API (what
the UI's *Materialize* button sends) and carried out by the daemon that `ui` starts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from poster_assets.corpus.batching import new_batch_id
from poster_assets.corpus.discovery import list_image_files
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.home import PosterHome
from poster_assets.runs import database_for, open_instance
from poster_assets.store.batches import register_batches
from poster_assets_tests.ui_process import free_port, graphql, start_ui

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
FINISHED = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


@pytest.mark.slow
def test_backfill_over_two_batches_from_the_ui(home: PosterHome, demo_corpus: Path) -> None:
    """Two batches registered (as the sensor does), nothing run yet: the backfill's runs
    ingest them."""
    files = list_image_files(demo_corpus / "images").files
    planned = [(new_batch_id(), part) for part in (files[:4], files[4:])]
    batch_ids = list(register_batches(database_for(home), planned, "sensor", str(demo_corpus)))
    open_instance(home).add_dynamic_partitions(BATCH_PARTITIONS_NAME, batch_ids)

    port = free_port()
    ui = start_ui(home.root, port)
    try:
        launched = graphql(
            port,
            LAUNCH,
            {"params": {"assetSelection": [{"path": ["posters"]}], "partitionNames": batch_ids}},
        )["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill_id = launched["backfillId"]
        deadline = time.monotonic() + 240
        status = None
        while status not in FINISHED:
            assert time.monotonic() < deadline, f"backfill still {status} after 240 s"
            time.sleep(2)
            status = graphql(port, STATUS, {"id": backfill_id})["partitionBackfillOrError"][
                "status"
            ]
        assert status in {"COMPLETED", "COMPLETED_SUCCESS"}
    finally:
        ui.terminate()
        ui.wait(timeout=60)

    instance = DagsterInstance.from_config(str(home.dagster_home))
    runs = instance.get_runs(RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert sorted(run.tags["dagster/partition"] for run in runs) == sorted(batch_ids)
    assert {run.status for run in runs} == {DagsterRunStatus.SUCCESS}
    with database_for(home).read() as connection:
        assert connection.execute(
            "SELECT count(*), count(DISTINCT poster_id) FROM posters"
        ).fetchone() == (8, 8)
