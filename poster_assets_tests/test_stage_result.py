"""run_per_poster: rows in the posters' order and failures recorded, however many workers."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from poster_assets.analysis.stage_result import run_per_poster


@dataclass(frozen=True)
class Poster:
    poster_id: str
    path: str


POSTERS = [Poster(f"id{index}", f"/p/{index}.jpg") for index in range(12)]


def _process(poster: Poster) -> dict[str, list[dict]]:
    index = int(poster.poster_id[2:])
    time.sleep(0.002 * (12 - index))  # later posters finish first
    if index == 5:
        raise ValueError("unreadable")
    return {"rows": [{"value": index, "thread": threading.current_thread().name}]}


@pytest.mark.parametrize("workers", [1, 3])
def test_rows_keep_the_posters_order_and_one_failure_is_recorded(workers: int) -> None:
    result = run_per_poster(
        POSTERS,
        batch_id="b",
        stage="s",
        columns={"rows": ["poster_id", "batch_id", "value", "thread"]},
        process=_process,
        show_progress=False,
        workers=workers,
    )
    expected = [index for index in range(12) if index != 5]
    assert result.tables["rows"]["value"].tolist() == expected
    assert result.done == [f"id{index}" for index in expected]
    assert result.failures[["sha256", "kind"]].values.tolist() == [["id5", "unexpected_error"]]
    assert len(result.seconds) == 12
    assert 0 < result.timing()["median_ms"] <= result.timing()["p90_ms"]
    threads = set(result.tables["rows"]["thread"])
    assert len(threads) == (1 if workers == 1 else 3)
