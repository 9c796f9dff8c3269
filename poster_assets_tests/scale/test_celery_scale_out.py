"""Scale-out on Dagster's Celery executor as on several machines: a real Redis broker, a real
PostgreSQL holding the Dagster instance and the DuckLake catalogue, two Celery workers that each
have their own home (no shared DuckDB file, lock or SQLite), several batches; every stage's rows
in the lake equal those of the in-process run of the same batches into a DuckDB file."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from dagster import DagsterEventType, DagsterInstance

from poster_assets.bench.same_outputs import compare_homes
from poster_assets.corpus.batching import chunk, new_batch_id
from poster_assets.corpus.discovery import list_image_files
from poster_assets.home import DAGSTER_POSTGRES_ENV_VAR, HOME_ENV_VAR, PosterHome
from poster_assets.runs import ingest_directory, open_instance
from poster_assets.scale.celery_job import materialize_batches_on_celery
from poster_assets.scale.celery_settings import BACKEND_ENV_VAR, BROKER_ENV_VAR, CelerySettings
from poster_assets.store.batches import register_batches
from poster_assets.store.database import DuckDBFileDatabase
from poster_assets.store.lake import CATALOG_ENV_VAR, DATA_PATH_ENV_VAR, LakeDatabase, LakeLocation
from poster_assets.store.opening import open_database
from poster_assets_tests.postgres_server import PostgresServer
from poster_assets_tests.ui_process import free_port

pytestmark = pytest.mark.slow
BATCH_SIZE = 1
POSTERS = 2
CELERY = str(Path(sys.executable).parent / "celery")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip(
            "redis-server is not installed (Debian package redis-server; .ci/run installs it)"
        )
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.2)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def _start_workers(
    settings: CelerySettings, shared_environment: dict[str, str], homes: list[PosterHome]
) -> list[subprocess.Popen]:
    workers = []
    for index, home in enumerate(homes, start=1):
        env = {
            **os.environ,
            **shared_environment,
            HOME_ENV_VAR: str(home.root),
            "DAGSTER_HOME": str(home.dagster_home),
            BROKER_ENV_VAR: settings.broker,
            BACKEND_ENV_VAR: settings.backend,
        }
        command = [
            CELERY, "-A", "poster_assets.scale.celery_worker", "worker", "--concurrency", "1",
            "-n", f"w{index}@%h", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        workers.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL))
    count = len(homes)
    client = Celery(broker=settings.broker, backend=settings.backend)
    deadline = time.monotonic() + 120
    while len(client.control.ping(timeout=1.0)) < count:
        if time.monotonic() > deadline or any(worker.poll() is not None for worker in workers):
            _stop(workers)
            raise RuntimeError("the Celery workers did not come up")
    return workers


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def _workers_used(instance: DagsterInstance) -> set[str]:
    return {
        str(entry.value)
        for run in instance.get_runs()
        for event in instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT)
        for key, entry in event.dagster_event.engine_event_data.metadata.items()
        if key == "Celery worker"
    }


def test_batches_run_on_two_celery_workers_give_the_in_process_rows(
    tmp_path: Path,
    demo_corpus: Path,
    redis_url: str,
    postgres: PostgresServer,
    lake: LakeLocation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "posters"  # on several machines: a folder each mounts at this path
    folder.mkdir()
    for image in sorted((demo_corpus / "images").iterdir())[:POSTERS]:
        shutil.copyfile(image, folder / image.name)
    in_process = PosterHome(tmp_path / "in-process-home").ensure()
    assert ingest_directory(in_process, folder, batch_size=BATCH_SIZE).failed_runs == []

    shared = {
        CATALOG_ENV_VAR: lake.catalog,
        DATA_PATH_ENV_VAR: lake.data_path,
        DAGSTER_POSTGRES_ENV_VAR: postgres.url(postgres.create_database("dagster")),
    }
    for name, value in shared.items():
        monkeypatch.setenv(name, value)
    coordinator = PosterHome(tmp_path / "coordinator-home").ensure()
    monkeypatch.setenv(HOME_ENV_VAR, str(coordinator.root))  # the job is rebuilt from the env
    files = list_image_files(folder).files
    planned = [(new_batch_id(), batch) for batch in chunk(files, BATCH_SIZE)]
    batch_ids = list(register_batches(open_database(coordinator), planned, "cli", str(folder)))
    assert len(batch_ids) == POSTERS // BATCH_SIZE
    settings = CelerySettings(broker=f"{redis_url}/0", backend=f"{redis_url}/1")
    machines = [PosterHome(tmp_path / f"machine-{n}-home").ensure() for n in (1, 2)]
    workers = _start_workers(settings, shared, machines)
    instance = open_instance(coordinator)
    try:
        failed = materialize_batches_on_celery(instance, batch_ids, settings)
    finally:
        _stop(workers)
    assert failed == []
    assert {name.split("@")[0] for name in _workers_used(instance)} == {"w1", "w2"}
    assert not any(home.duckdb_path.exists() for home in [coordinator, *machines])

    lake_db = LakeDatabase(lake)
    comparisons = compare_homes(
        lake_db, DuckDBFileDatabase(in_process.duckdb_path, in_process.lock_path)
    )
    assert comparisons["ocr_lines"].rows[0] > 0 and comparisons["embeddings"].rows[0] > 0
    assert {table: c.identical for table, c in comparisons.items()} == dict.fromkeys(
        comparisons, True
    )
    with lake_db.read() as connection:
        done = connection.execute(
            "SELECT stage, count(*) FROM stage_runs WHERE status = 'done' GROUP BY stage"
        ).fetchall()
        failures = connection.execute("SELECT count(*) FROM failures").fetchone()[0]
    assert failures == 0
    assert all(count == POSTERS for _, count in done)
