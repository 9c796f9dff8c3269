"""RunArrays: one decode per poster and run, only the registered bytes, bounded; arrays
stages compute alike kept beside the decodes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from poster_assets.errors import FailureKind, PosterInputError
from poster_assets.imaging.poster_pixels import RunArrays, verified_rgb
from poster_assets_tests.image_files import encoded, gradient_rgb


def _poster(folder: Path, name: str, width: int = 40, height: int = 60) -> tuple[str, Path]:
    data = encoded(gradient_rgb(width, height), "PNG")
    path = folder / name
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), path


def _reader(poster_id: str, path: Path) -> Callable[[], np.ndarray]:
    return lambda: verified_rgb(poster_id, str(path))


def test_a_poster_is_decoded_once_per_run_and_read_only(tmp_path: Path) -> None:
    posters = RunArrays()
    poster_id, path = _poster(tmp_path, "p.png")
    first = posters.rgb("run1", poster_id, _reader(poster_id, path))
    path.unlink()  # a second read would fail
    assert posters.rgb("run1", poster_id, _reader(poster_id, path)) is first and first.shape == (
        60,
        40,
        3,
    )
    with pytest.raises(ValueError, match="read-only"):
        first[0, 0, 0] = 1


def test_another_run_reads_the_file_again(tmp_path: Path) -> None:
    posters = RunArrays()
    poster_id, path = _poster(tmp_path, "p.png")
    posters.rgb("run1", poster_id, _reader(poster_id, path))
    path.unlink()
    with pytest.raises(PosterInputError) as raised:
        posters.rgb("run2", poster_id, _reader(poster_id, path))
    assert raised.value.kind is FailureKind.UNREADABLE


def test_a_file_whose_bytes_changed_is_refused_not_analysed(tmp_path: Path) -> None:
    posters = RunArrays()
    poster_id, path = _poster(tmp_path, "p.png")
    path.write_bytes(encoded(gradient_rgb(50, 70), "PNG"))  # replaced after registration
    with pytest.raises(PosterInputError, match="changed since it was registered") as raised:
        posters.rgb("run1", poster_id, _reader(poster_id, path))
    assert raised.value.kind is FailureKind.CHANGED


def test_past_the_byte_limit_posters_are_decoded_but_not_kept(tmp_path: Path) -> None:
    posters = RunArrays(max_bytes=40 * 60 * 3)  # room for one
    kept_id, kept_path = _poster(tmp_path, "kept.png")
    other_id, other_path = _poster(tmp_path, "other.png", 41, 60)
    kept = posters.rgb("run1", kept_id, _reader(kept_id, kept_path))
    other = posters.rgb("run1", other_id, _reader(other_id, other_path))
    assert posters.rgb("run1", kept_id, _reader(kept_id, kept_path)) is kept
    again = posters.rgb("run1", other_id, _reader(other_id, other_path))
    assert again is not other and np.array_equal(again, other)


def test_an_array_stages_share_is_computed_once_per_run() -> None:
    arrays = RunArrays()
    calls: list[int] = []

    def compute() -> np.ndarray:
        calls.append(1)
        return np.ones((9, 9, 4), np.float32)

    first = arrays.array("run1", "poster", "map", compute)
    assert arrays.array("run1", "poster", "map", compute) is first
    assert not first.flags.writeable
    arrays.array("run1", "other poster", "map", compute)
    arrays.array("run2", "poster", "map", compute)
    assert len(calls) == 3
