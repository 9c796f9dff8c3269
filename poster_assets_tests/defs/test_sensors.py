"""The new-poster sensor against a real instance and DuckDB file, driven tick by tick."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context, instance_for_test

from poster_assets.corpus.batching import FolderCursor
from poster_assets.corpus.discovery import list_image_files
from poster_assets.defs.resources import PosterStore, WatchedFolder
from poster_assets.defs.sensors import watched_folder_sensor
from poster_assets.home import PosterHome
from poster_assets.store.batches import register_batches
from poster_assets.store.opening import open_database
from poster_assets_tests.image_files import encoded, gradient_rgb, write


@pytest.fixture
def instance() -> Iterator[DagsterInstance]:
    with instance_for_test() as test_instance:
        yield test_instance


def _tick(
    instance: DagsterInstance, home: PosterHome, folder: Path, cursor: str | None
) -> SensorResult:
    context = build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={
            "store": PosterStore(home=str(home.root)),
            "watched_folder": WatchedFolder(path=str(folder), batch_size=2, settle_seconds=0),
        },
    )
    result = watched_folder_sensor(str(folder))(context)
    assert isinstance(result, SensorResult)
    # Apply what the daemon would: partitions added, cursor stored.
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def _add_posters(folder: Path, names: list[str]) -> None:
    for index, name in enumerate(names):
        write(folder / name, encoded(gradient_rgb(60 + index, 90), "PNG"))


def test_new_files_become_bounded_batches_and_runs(
    instance: DagsterInstance, home: PosterHome, tmp_path: Path
) -> None:
    folder = tmp_path / "watched"
    _add_posters(folder, ["a.png", "b.png", "c.png"])
    first = _tick(instance, home, folder, cursor=None)
    keys = [request.partition_key for request in first.run_requests]
    assert len(keys) == 2  # batch_size=2 over three files
    assert [request.run_key for request in first.run_requests] == keys
    assert set(instance.get_dynamic_partitions("batches")) == set(keys)
    with open_database(home).read() as connection:
        sizes = connection.execute(
            "SELECT count(*) FROM batch_files GROUP BY batch_id ORDER BY 1"
        ).fetchall()
    assert sizes == [(1,), (2,)]

    quiet = _tick(instance, home, folder, cursor=first.cursor)
    assert quiet.run_requests == [] and quiet.skip_reason is not None
    assert "no new poster files" in quiet.skip_reason.skip_message

    _add_posters(folder, ["d.png"])
    later = _tick(instance, home, folder, cursor=quiet.cursor)
    assert len(later.run_requests) == 1
    assert (
        FolderCursor.from_json(later.cursor).ctime_ns
        > FolderCursor.from_json(first.cursor).ctime_ns
    )


def test_files_already_ingested_by_the_cli_are_not_batched_again(
    instance: DagsterInstance, home: PosterHome, tmp_path: Path
) -> None:
    folder = tmp_path / "watched"
    _add_posters(folder, ["a.png"])
    register_batches(
        open_database(home), [("cli-batch", list_image_files(folder).files)], "cli", "/"
    )
    result = _tick(instance, home, folder, cursor=None)
    assert result.run_requests == []


def test_a_tick_that_died_after_registering_is_recovered(
    instance: DagsterInstance, home: PosterHome, tmp_path: Path
) -> None:
    folder = tmp_path / "watched"
    _add_posters(folder, ["a.png"])
    # As if an earlier tick registered the batch and then crashed before returning.
    register_batches(
        open_database(home), [("orphan", list_image_files(folder).files)], "sensor", "/"
    )
    result = _tick(instance, home, folder, cursor=None)
    assert [request.partition_key for request in result.run_requests] == ["orphan"]
    assert _tick(instance, home, folder, cursor=result.cursor).run_requests == []


def test_a_name_that_is_not_utf8_is_batched_and_does_not_fail_ticks(
    instance: DagsterInstance, home: PosterHome, tmp_path: Path
) -> None:
    folder = tmp_path / "watched"
    _add_posters(folder, ["a.png", os.fsdecode(b"bad\xffname.png")])
    first = _tick(instance, home, folder, cursor=None)
    assert len(first.run_requests) == 1
    with open_database(home).read() as connection:
        paths = [row[0] for row in connection.execute("SELECT path FROM batch_files").fetchall()]
    assert sorted(Path(path).name for path in paths) == ["a.png", "bad\\xffname.png"]
    assert _tick(instance, home, folder, cursor=first.cursor).run_requests == []


def test_the_sensor_names_the_folder_it_watches(tmp_path: Path) -> None:
    assert str(tmp_path) in (watched_folder_sensor(str(tmp_path)).description or "")
    assert "poster-assets ui --watch" in (watched_folder_sensor(None).description or "")


def test_videos_in_the_watched_folder_are_registered_as_trailers(
    instance: DagsterInstance, home: PosterHome, tmp_path: Path
) -> None:
    folder = tmp_path / "watched"
    _add_posters(folder, ["tt01.png"])
    write(folder / "tt01.mp4", b"frames")
    result = _tick(instance, home, folder, cursor=None)
    assert len(result.run_requests) == 1  # the video is no poster
    with open_database(home).read() as connection:
        seen = connection.execute("SELECT match_key, source FROM trailer_files").fetchall()
    assert seen == [("tt01", "folder")]  # paired with tt01.png when its batch runs
