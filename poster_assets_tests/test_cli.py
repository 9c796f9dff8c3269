"""The console script, as a user runs it."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.home import PosterHome
from poster_assets_tests.ui_process import CONSOLE_SCRIPT, free_port, start_ui


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_then_sql_json(home: PosterHome, demo_corpus: Path) -> None:
    output = _invoke("ingest", str(demo_corpus / "images"), "--home", str(home.root))
    assert "new posters:        8" in output
    assert "failed:             0" in output
    rows = json.loads(
        _invoke(
            "sql",
            "SELECT count(*) AS n, min(width) AS w FROM posters",
            "--home",
            str(home.root),
            "--json",
        )
    )
    assert rows == [{"n": 8, "w": 300}]
    again = _invoke("ingest", str(demo_corpus / "images"), "--home", str(home.root))
    assert "unchanged, skipped: 8" in again and "new posters:        0" in again


def test_sql_refuses_writes_with_a_clear_message(home: PosterHome) -> None:
    result = CliRunner().invoke(main, ["sql", "DELETE FROM posters", "--home", str(home.root)])
    assert result.exit_code == 1
    assert "read-only" in result.output


def test_home_falls_back_to_the_environment(home: PosterHome, demo_corpus: Path) -> None:
    result = CliRunner(env={"POSTER_ASSETS_HOME": str(home.root)}).invoke(
        main, ["sql", "SELECT count(*) AS n FROM posters", "--json"]
    )
    assert result.exit_code == 0 and json.loads(result.output) == [{"n": 0}]


def test_demo_twice_processes_nothing_twice(tmp_path: Path) -> None:
    home = str(tmp_path / "demo-home")
    first = _invoke("demo", "--home", home, "--count", "4")
    assert "this run: 4 new posters" in first and "in total: 4 posters, 0 failures" in first
    second = _invoke("demo", "--home", home, "--count", "4")
    assert "this run: 0 new posters" in second and "4 unchanged files skipped" in second


@pytest.mark.slow
def test_two_concurrent_ingests_into_one_home_both_succeed(
    home: PosterHome, demo_corpus: Path, tmp_path: Path
) -> None:
    halves = [tmp_path / "first", tmp_path / "second"]
    images = sorted((demo_corpus / "images").iterdir())
    for index, image in enumerate(images):
        target = halves[index % 2]
        target.mkdir(exist_ok=True)
        shutil.copy(image, target / image.name)
    processes = [
        subprocess.Popen(
            [CONSOLE_SCRIPT, "ingest", str(folder), "--home", str(home.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for folder in halves
    ]
    outputs = [process.communicate(timeout=180)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    rows = json.loads(
        _invoke(
            "sql",
            "SELECT (SELECT count(*) FROM posters) AS posters, "
            "(SELECT count(DISTINCT batch_id) FROM posters) AS batches",
            "--home",
            str(home.root),
            "--json",
        )
    )
    assert rows == [{"posters": 8, "batches": 2}]


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_ui_serves_and_stops_on_sigterm_even_when_backgrounded(home: PosterHome) -> None:
    port = free_port()
    process = start_ui(home.root, port)
    try:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        time.sleep(1)
        assert _processes_mentioning(str(home.dagster_home)) == []
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
