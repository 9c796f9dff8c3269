from __future__ import annotations

from pathlib import Path

import pytest

from poster_assets.corpus.discovery import list_image_files
from poster_assets_tests.image_files import encoded, gradient_rgb, write


def test_lists_images_recursively_and_counts_other_files(tmp_path: Path) -> None:
    jpeg = encoded(gradient_rgb(), "JPEG")
    write(tmp_path / "a.jpg", jpeg)
    write(tmp_path / "nested" / "deeper" / "B.JPEG", jpeg)
    write(tmp_path / "labels.csv", b"x")
    write(tmp_path / "README", b"x")
    listing = list_image_files(tmp_path)
    assert [Path(entry.path).name for entry in listing.files] == ["a.jpg", "B.JPEG"]
    assert listing.ignored_other_extensions == 2
    assert all(entry.size == len(jpeg) for entry in listing.files)


def test_dangling_links_are_listed_so_their_failure_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "gone.jpg").symlink_to(tmp_path / "missing.jpg")
    [entry] = list_image_files(tmp_path).files
    assert entry.size == -1
    assert entry.ctime_ns > 0


def test_directory_link_cycles_do_not_hang(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    write(tmp_path / "a.png", encoded(gradient_rgb(), "PNG"))
    assert len(list_image_files(tmp_path).files) == 1


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="not a directory"):
        list_image_files(tmp_path / "nope")


def test_videos_are_listed_apart_from_posters(tmp_path: Path) -> None:
    write(tmp_path / "a.jpg", encoded(gradient_rgb(), "JPEG"))
    write(tmp_path / "clips" / "a.MP4", b"video")
    write(tmp_path / "b.webm", b"video")
    listing = list_image_files(tmp_path)
    assert [Path(entry.path).name for entry in listing.files] == ["a.jpg"]
    assert [Path(entry.path).name for entry in listing.videos] == ["b.webm", "a.MP4"]
    assert listing.ignored_other_extensions == 0
