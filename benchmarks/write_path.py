"""Measure the DuckDB write path: one batch's ingest rows written in one locked transaction.

Prints JSON: median/p90 seconds per batch write when one process writes alone (baseline) and
when WRITERS processes write at once into the same file (lock wait included), plus rows lost.

    python benchmarks/write_path.py [--rows 1000] [--batches 5] [--writers 4]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from poster_assets.corpus.ingest import IngestResult, PathRow, PosterRow
from poster_assets.home import PosterHome
from poster_assets.store.database import PosterDatabase
from poster_assets.store.posters import replace_batch_ingest


def _result(batch_id: str, rows: int) -> IngestResult:
    now = datetime.now(UTC)
    ids = [f"{batch_id}-{n:06d}" for n in range(rows)]
    return IngestResult(
        posters=[
            PosterRow(pid, batch_id, f"/p/{pid}.jpg", 300, 450, "JPEG", "RGB", 1, False, 1, now)
            for pid in ids
        ],
        paths=[PathRow(pid, f"/p/{pid}.jpg", batch_id, now) for pid in ids],
    )


def _write(root: str, worker: int, batches: int, rows: int) -> list[float]:
    home = PosterHome(Path(root))
    db = PosterDatabase(home.duckdb_path, home.lock_path)
    seconds = []
    for index in range(batches):
        batch_id = f"w{worker}b{index}"
        result = _result(batch_id, rows)
        start = time.perf_counter()
        replace_batch_ingest(db, batch_id, result)
        seconds.append(time.perf_counter() - start)
    return seconds


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_s": round(statistics.median(ordered), 4),
        "p90_s": round(ordered[int(0.9 * (len(ordered) - 1))], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as alone, tempfile.TemporaryDirectory() as shared:
        PosterHome(Path(alone)).ensure()
        PosterHome(Path(shared)).ensure()
        baseline = _write(alone, 0, args.batches, args.rows)
        with multiprocessing.get_context("spawn").Pool(args.writers) as pool:
            start = time.perf_counter()
            per_writer = pool.starmap(
                _write, [(shared, w, args.batches, args.rows) for w in range(args.writers)]
            )
            wall = time.perf_counter() - start
        home = PosterHome(Path(shared))
        with PosterDatabase(home.duckdb_path, home.lock_path).read() as connection:
            (stored,) = connection.execute("SELECT count(*) FROM posters").fetchone()
    concurrent = [s for seconds in per_writer for s in seconds]
    print(
        json.dumps(
            {
                "rows_per_batch": args.rows,
                "one_writer": _summary(baseline),
                f"{args.writers}_writers_at_once": {
                    **_summary(concurrent),
                    "wall_s": round(wall, 2),
                },
                "rows_expected": args.writers * args.batches * args.rows,
                "rows_stored": stored,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
