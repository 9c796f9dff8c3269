"""`poster-assets bench` as a user runs it, on a few generated posters."""

from __future__ import annotations

import json
import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.home import PosterHome
from poster_assets.runs import open_instance

pytestmark = pytest.mark.slow


def test_bench_prints_throughput_stage_times_and_that_both_paths_agree(
    tmp_path: Path, demo_corpus: Path
) -> None:
    folder = tmp_path / "posters"
    folder.mkdir()
    for image in sorted((demo_corpus / "images").iterdir())[:3]:
        shutil.copyfile(image, folder / image.name)
    work = tmp_path / "work"
    paths = ["--paths", "batched_defaults,tuned"]
    outcome = CliRunner().invoke(
        main, ["bench", str(folder), "--n", "2", *paths, "--work", str(work)]
    )
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.output)
    assert report["posters"] == 2
    for path in ("batched_defaults", "tuned"):
        run = report["paths"][path]["first_run"]
        assert run["posters"] == 2 and run["failed_runs"] == []
        assert run["posters_per_s"] > 0 and run["peak_rss_mb"] > 100
        assert {"ocr", "faces", "objects", "embeddings"} <= set(run["model_load_s"])
        ocr = run["stages"]["ocr_lines"]
        assert 0 < ocr["median_ms"] <= ocr["p90_ms"]
    assert report["speedup"]["tuned_vs_batched_defaults"] > 0
    agreement = report["same_outputs"]["tuned_vs_batched_defaults"]
    assert agreement["ocr_lines"]["rows"][0] > 0
    # The baseline keeps the OCR settings and GrabCut rounds from before the throughput work;
    # what reads neither must be identical, and the mask tables say how far masks overlap.
    for table in ("depth_maps", "faces", "objects", "palette"):
        assert agreement[table]["identical"], (table, agreement[table])
    assert agreement["embeddings"]["rows"][0] == agreement["embeddings"]["rows"][1]
    for table in ("layers", "foreground"):  # empty here: no depth model is registered
        rows = agreement[table]["rows"]
        assert rows[0] == rows[1]
        assert ("mask_iou" in agreement[table]) == (rows[0] > 0)
    # The baseline is the code before the throughput work: its steps ran one after another.
    instance = open_instance(PosterHome(work / "batched_defaults-0"))
    (run,) = instance.get_runs()
    steps = sorted(instance.get_run_step_stats(run.run_id), key=lambda step: step.start_time)
    assert len(steps) > 10
    assert all(later.start_time >= earlier.end_time for earlier, later in pairwise(steps))


def test_bench_refuses_unknown_paths(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(main, ["bench", str(tmp_path), "--paths", "fastest"])
    assert outcome.exit_code != 0
    assert "unknown bench paths ['fastest']" in outcome.output
