"""run_stage: rows in the posters' order, failures recorded, each poster's own upstream rows,
and rows that break the stage's declared tables refused, however many workers."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.stages.runner import PosterRef, run_stage
from poster_assets.stages.spec import PosterInput
from poster_assets.stages.tables import Column, TableSpec
from poster_assets_tests.image_files import encoded, gradient_rgb

POSTERS = [PosterRef(f"id{index}", f"/p/{index}.jpg", 10, 15) for index in range(12)]
NO_COPIES = PosterCopies(Path("/no-kept-copies"))  # every poster read from its file
ROWS = TableSpec("rows", (Column("value", "INTEGER"), Column("thread", "VARCHAR")))


def _process(poster: PosterInput) -> dict[str, list[dict]]:
    index = int(poster.poster_id[2:])
    time.sleep(0.002 * (12 - index))  # later posters finish first
    if index == 5:
        raise ValueError("unreadable")
    return {"rows": [{"value": index, "thread": threading.current_thread().name}]}


@pytest.mark.parametrize("workers", [1, 3])
def test_rows_keep_the_posters_order_and_one_failure_is_recorded(workers: int) -> None:
    result = run_stage(
        POSTERS, batch_id="b", stage="s", tables=[ROWS], process=_process,
        show_progress=False, workers=workers, copies=NO_COPIES,
    )  # fmt: skip
    expected = [index for index in range(12) if index != 5]
    assert result.tables["rows"]["value"].tolist() == expected
    assert result.tables["rows"].columns.tolist() == ["poster_id", "batch_id", "value", "thread"]
    assert result.done == [f"id{index}" for index in expected]
    failures = result.failures[["poster_id", "stage", "kind", "message"]].values.tolist()
    assert failures == [["id5", "s", "unexpected_error", "ValueError: unreadable"]]
    assert len(result.seconds) == 12
    assert 0 < result.timing()["median_ms"] <= result.timing()["p90_ms"]
    threads = set(result.tables["rows"]["thread"])
    assert len(threads) == (1 if workers == 1 else 3)


def test_each_poster_gets_its_own_upstream_rows_and_an_empty_frame_without_any() -> None:
    upstream = pd.DataFrame({"poster_id": ["id1", "id1", "id2"], "n": [1, 2, 3]})

    def count(poster: PosterInput) -> dict[str, list[dict]]:
        found = poster.upstream["lines"]
        return {"rows": [{"value": int(found["n"].sum()), "thread": str(len(found))}]}

    result = run_stage(
        POSTERS[:4], batch_id="b", stage="s", tables=[ROWS], process=count,
        upstream={"lines": upstream}, show_progress=False, copies=NO_COPIES,
    )  # fmt: skip
    assert result.tables["rows"]["value"].tolist() == [0, 3, 3, 0]


def test_rows_that_break_the_declared_columns_fail_that_poster() -> None:
    def misnamed(poster: PosterInput) -> dict[str, list[dict]]:
        if poster.poster_id == "id1":
            return {"rows": [{"valeu": 1, "thread": "t"}]}
        return {"rows": [{"value": 1, "thread": "t"}]}

    result = run_stage(
        POSTERS[:3], batch_id="b", stage="s", tables=[ROWS], process=misnamed,
        show_progress=False, copies=NO_COPIES,
    )  # fmt: skip
    assert result.done == ["id0", "id2"]
    [message] = result.failures["message"].tolist()
    assert "StageOutputError" in message and "valeu" in message


def test_stages_of_one_decode_scope_share_a_decode_and_other_calls_read_again(
    tmp_path: Path,
) -> None:
    data = encoded(gradient_rgb(40, 60), "PNG")
    path = tmp_path / "p.png"
    path.write_bytes(data)
    poster = PosterRef(hashlib.sha256(data).hexdigest(), str(path), 40, 60)
    table = TableSpec("sizes", (Column("height", "INTEGER"),))

    def height(given: PosterInput) -> dict[str, list[dict]]:
        return {"sizes": [{"height": given.rgb.shape[0]}]}

    def stage(scope: str | None) -> list[str]:
        result = run_stage(
            [poster], batch_id="b", stage="s", tables=[table], process=height,
            show_progress=False, decode_scope=scope, copies=NO_COPIES,
        )  # fmt: skip
        return result.done

    assert stage("run-1") == [poster.poster_id]
    path.unlink()  # a second read would fail
    assert stage("run-1") == [poster.poster_id]
    assert stage(None) == []  # a call of its own reads the file again
