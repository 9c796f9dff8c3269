"""The console script, as a user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.home import PosterHome


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_then_sql_json(home: PosterHome, demo_corpus: Path) -> None:
    output = _invoke("ingest", str(demo_corpus / "images"), "--home", str(home.root))
    assert "new posters:        8" in output
    assert "failed:             0" in output
    # Every stage shows its progress bar (a stage's bar is named after it and the batch).
    for stage in ("ocr", "titles", "faces", "objects", "foreground", "embeddings", "palette"):
        assert re.search(rf"(^|\r){stage} \d{{8}}T\d{{6}}-\w+: 100%", output, re.MULTILINE), stage
    # It ends with where the rows are and what to do next.
    assert f"rows in:     {home.root / 'posters.duckdb'}" in output
    assert f"poster-assets report --out poster-report --home {home.root}" in output
    assert f"open the UI: poster-assets ui --home {home.root}" in output
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


def test_an_empty_sql_result_says_so(home: PosterHome) -> None:
    output = _invoke("sql", "SELECT poster_id, path FROM posters", "--home", str(home.root))
    assert output.strip() == "(no rows; columns: poster_id, path)"


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


def test_every_project_error_is_one_line_and_exit_status_one(
    home: PosterHome, tmp_path: Path
) -> None:
    """Errors from different layers (store, evaluation, registry) reach the user the same
    way: `Error: <what happened>`, no traceback."""
    cases = {
        ("similar", "ffff", "--home", str(home.root)): "no poster has an id starting with 'ffff'",
        ("eval", "ssl", str(tmp_path), "--home", str(home.root)): "no model 'poster-ssl'",
        ("show", "ab", "--out", str(tmp_path / "a.png"), "--home", str(home.root)): "no poster",
        ("report", "--out", str(tmp_path / "r"), "--home", str(home.root)): "no posters in any",
    }
    for args, message in cases.items():
        result = CliRunner().invoke(main, list(args))
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("Error: ") and message in result.output, result.output
        assert "Traceback" not in result.output


def test_sql_json_prints_blobs_uuids_and_arrays(home: PosterHome) -> None:
    query = (
        "SELECT '\\x00\\xff'::BLOB AS b, '00000000-0000-0000-0000-000000000001'::UUID AS u, "
        "[1.5, 2.0]::FLOAT[2] AS v, NULL::INTEGER AS n"
    )
    rows = json.loads(_invoke("sql", query, "--home", str(home.root), "--json"))
    assert rows == [
        {"b": "00ff", "u": "00000000-0000-0000-0000-000000000001", "v": [1.5, 2.0], "n": None}
    ]
