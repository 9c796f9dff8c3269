"""Ingest real folders into a temporary home: real DuckDB file, real Dagster instance."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from dagster import AssetKey, DagsterInstance, JobDefinition
from PIL import Image

from poster_assets.definitions import build_definitions
from poster_assets.defs.jobs import PROCESS_BATCH_JOB
from poster_assets.defs.resources import PosterStore
from poster_assets.errors import FailureKind
from poster_assets.home import PosterHome
from poster_assets.imaging.preview import THUMB_HEIGHT
from poster_assets.runs import ingest_directory
from poster_assets.store.opening import open_database
from poster_assets_tests.image_files import (
    animated_gif,
    decompression_bomb_png,
    encoded,
    gradient_rgb,
    jpeg_with_orientation,
    sixteen_bit_grey_png,
    write,
)
from poster_assets_tests.published_pictures import linked_pictures


def _job(home: PosterHome) -> JobDefinition:
    definitions = build_definitions(PosterStore(home=str(home.root)), watched_folder=None)
    return definitions.resolve_job_def(PROCESS_BATCH_JOB)


def _rows(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    """Eight usable images of odd kinds (one named with a byte that is not UTF-8), one duplicate
    name, and one of each bad-input case."""
    folder = tmp_path / "incoming"
    good = encoded(gradient_rgb(), "JPEG")
    write(folder / "good.jpg", good)
    write(folder / "sub" / "same-content-other-name.jpg", good)
    write(folder / "rotated.jpg", jpeg_with_orientation(8))
    write(folder / "cmyk.jpg", encoded(gradient_rgb(90, 60).convert("CMYK"), "JPEG"))
    write(folder / "palette.png", encoded(gradient_rgb(50, 70).convert("P"), "PNG"))
    write(folder / "deep.png", sixteen_bit_grey_png(40000))
    write(folder / "animated.gif", animated_gif())
    write(folder / "zero.jpg", b"")
    truncated = encoded(gradient_rgb(300, 450), "JPEG")
    write(folder / "truncated.jpg", truncated[: len(truncated) // 3])
    write(folder / "notes.png", b"these are not pixels")
    write(folder / "bomb.png", decompression_bomb_png())
    write(folder / os.fsdecode(b"bad\xffname.png"), encoded(gradient_rgb(70, 100), "PNG"))
    write(folder / "photo.avif", encoded(gradient_rgb(64, 96), "AVIF"))
    write(folder / "strip.png", encoded(gradient_rgb(40 * 25, 40), "PNG"))
    (folder / "dangling.jpg").symlink_to(folder / "deleted-before-ingest.jpg")
    write(folder / "labels.csv", b"ignored,not an image extension\n")
    return folder


EXPECTED_FAILURES = {
    "zero.jpg": FailureKind.EMPTY,
    "truncated.jpg": FailureKind.TRUNCATED,
    "notes.png": FailureKind.NOT_AN_IMAGE,
    "bomb.png": FailureKind.TOO_MANY_PIXELS,
    "dangling.jpg": FailureKind.UNREADABLE,
    "strip.png": FailureKind.EXTREME_ASPECT,
}


def test_messy_folder_ingests_good_files_and_records_each_failure(
    home: PosterHome, messy_folder: Path
) -> None:
    report = ingest_directory(home, messy_folder)
    assert report.failed_runs == []
    assert report.files_found == 15
    assert report.ignored_other_extensions == 1
    assert (report.new_posters, report.failed_files) == (8, 6)

    failures = _rows(home, "SELECT path, kind, message, poster_id, stage, batch_id FROM failures")
    by_name = {Path(path).name: (kind, message, sha) for path, kind, message, sha, *_ in failures}
    assert {name: kind for name, (kind, _, _) in by_name.items()} == {
        name: kind.value for name, kind in EXPECTED_FAILURES.items()
    }
    assert "exceeds the limit" in by_name["bomb.png"][1]
    assert by_name["truncated.jpg"][2] is not None  # readable, so its hash is recorded
    assert by_name["dangling.jpg"][2] is None
    assert {row[4] for row in failures} == {"ingest"}

    posters = dict(_rows(home, "SELECT source_mode, count(*) FROM posters GROUP BY 1"))
    assert posters == {"RGB": 4, "CMYK": 1, "P": 2, "I;16": 1}
    [(escaped, poster_id)] = _rows(home, "SELECT path, poster_id FROM posters WHERE width = 70")
    assert escaped == str(messy_folder.resolve() / "bad\\xffname.png")
    stages = _rows(home, f"SELECT DISTINCT status FROM stage_runs WHERE poster_id = '{poster_id}'")
    assert stages == [("done",)]  # every stage read the file back by its stored name
    [(width, height)] = _rows(home, "SELECT width, height FROM posters WHERE exif_transposed")
    assert (width, height) == (80, 120)
    # One content under two names: one poster, two paths.
    assert _rows(
        home,
        "SELECT count(*) FROM poster_paths GROUP BY poster_id HAVING count(*) > 1",
    ) == [(2,)]


def test_reingest_processes_nothing_twice_and_copies_are_known(
    home: PosterHome, messy_folder: Path, tmp_path: Path
) -> None:
    ingest_directory(home, messy_folder)
    again = ingest_directory(home, messy_folder)
    assert again.batches == [] and again.unchanged_skipped == again.files_found

    copies = tmp_path / "copies"
    copies.mkdir()
    shutil.copy(messy_folder / "good.jpg", copies / "renamed.jpg")
    report = ingest_directory(home, copies)
    assert (report.new_posters, report.already_known, report.failed_files) == (0, 1, 0)
    assert _rows(home, "SELECT count(*), count(DISTINCT poster_id) FROM posters") == [(8, 8)]
    assert _rows(home, "SELECT count(*) FROM poster_paths") == [(10,)]


def test_rematerializing_a_batch_replaces_its_rows(home: PosterHome, messy_folder: Path) -> None:
    """Files ingested already are kept as they were, even one edited in place since (it would
    have become another poster, leaving the old one's analysis without a poster row)."""
    report = ingest_directory(home, messy_folder)
    [batch] = report.batches
    (messy_folder / "rotated.jpg").write_bytes(encoded(gradient_rgb(66, 99), "JPEG"))
    before = _rows(home, "SELECT (SELECT count(*) FROM posters), (SELECT count(*) FROM failures)")
    instance = DagsterInstance.from_config(str(home.dagster_home))
    result = _job(home).execute_in_process(instance=instance, partition_key=batch.batch_id)
    assert result.success
    after = _rows(home, "SELECT (SELECT count(*) FROM posters), (SELECT count(*) FROM failures)")
    assert before == after == [(8, 6)]
    orphans = "SELECT count(*) FROM stage_runs s ANTI JOIN posters p USING (poster_id)"
    assert _rows(home, orphans) == [(0,)]
    assert _rows(home, "SELECT count(*) FROM posters WHERE exif_transposed") == [(1,)]


def test_materialization_records_metadata_preview_and_failure_rate_check(
    home: PosterHome, messy_folder: Path
) -> None:
    [batch] = ingest_directory(home, messy_folder).batches
    instance = DagsterInstance.from_config(str(home.dagster_home))
    event = instance.get_latest_materialization_event(AssetKey("posters"))
    assert event is not None
    materialization = event.asset_materialization
    assert materialization.partition == batch.batch_id
    metadata = materialization.metadata
    assert (metadata["new_posters"].value, metadata["failed"].value) == (8, 6)
    [sheet] = linked_pictures(instance, metadata["preview"].value)
    assert sheet.width > 3 * 100 and sheet.height > 2 * THUMB_HEIGHT  # 2 rows of 3, captions

    result = _job(home).execute_in_process(instance=instance, partition_key=batch.batch_id)
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "failure_rate"
    assert not check.passed  # 6 of 15 files failed, over the default 20 %
    assert check.metadata["failure_rate"].value == pytest.approx(6 / 15)


def test_a_partition_added_by_hand_fails_clearly_and_is_removed(home: PosterHome) -> None:
    """The launch dialog lets people add a partition; it is no batch, and its run says so and
    removes it rather than leaving a red partition behind."""
    instance = DagsterInstance.from_config(str(home.dagster_home))
    instance.add_dynamic_partitions("batches", ["no-such-batch"])
    result = _job(home).execute_in_process(
        instance=instance, partition_key="no-such-batch", raise_on_error=False
    )
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    message = str(failure.step_failure_data.error.message)
    assert "'no-such-batch' is not an ingest batch, so its partition was removed" in message
    assert instance.get_dynamic_partitions("batches") == []


# The CLI in a process of its own, reporting its peak resident memory on exit. Not ru_maxrss:
# Linux carries the forking parent's (pytest's, gigabytes) over into the child's.
PEAK_RSS_CLI = """
import atexit, sys
from poster_assets.cli import main
def report():
    [peak] = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
    print("peak_kib", peak.split()[1], file=sys.stderr, flush=True)
atexit.register(report)
main(sys.argv[1:])
"""


def test_a_100_megapixel_poster_is_ingested_in_bounded_memory(tmp_path: Path) -> None:
    """Two such PNGs took 8.5 GB before (every stage decoded them whole, 16-bit via float64).
    Now ingest decodes the file once, keeps it reduced to 1024 px, and every stage reads that."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    side = 10_000
    ramp = np.linspace(0, 65535, side, dtype=np.uint16)
    grey = np.broadcast_to(ramp[:, None], (side, side)) // 2 + ramp[None, :] // 2
    folder = tmp_path / "huge"
    folder.mkdir()
    Image.fromarray(grey.astype(np.uint16)).save(folder / "huge.png", compress_level=1)
    del ramp, grey
    home = tmp_path / "home"
    ingest = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_CLI, "ingest", str(folder), "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "new posters:        1" in ingest.stdout and "failed:             0" in ingest.stdout
    peak_mb = int(ingest.stderr.rsplit("peak_kib", 1)[1].split()[0]) // 1024
    assert peak_mb < 1500, f"peak {peak_mb} MB"
    [(width, height)] = _rows(PosterHome(home), "SELECT width, height FROM posters")
    assert (width, height) == (1000, 1000)  # 10,000 / 10


def test_a_folder_that_cannot_be_listed_is_a_failure_row_until_it_can(
    home: PosterHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "incoming"
    write(folder / "good.png", encoded(gradient_rgb(), "PNG"))
    locked = folder / "locked"
    write(locked / "inside.png", encoded(gradient_rgb(70, 100), "PNG"))
    listable = os.scandir

    def scandir(path: str) -> object:  # as for a folder without read permission (tests run as root)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return listable(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = ingest_directory(home, folder)
    assert report.unreadable_dirs == [str(locked)] and report.new_posters == 1
    [(path, kind, scan)] = _rows(home, "SELECT path, kind, batch_id FROM failures")
    assert (path, kind) == (str(locked), "unreadable_folder") and scan.startswith("scan-")
    monkeypatch.undo()
    assert ingest_directory(home, folder).new_posters == 1  # inside.png, listed now
    assert _rows(home, "SELECT count(*) FROM failures") == [(0,)]
