"""Generated trailers read back: their cuts are found, their frames counted; a file that is
not a video is a clear input error."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from poster_assets.errors import FailureKind, PosterInputError
from poster_assets.video.generated import FPS, write_trailer
from poster_assets.video.reading import read_frames, video_info
from poster_assets.video.shots import boundary_f1, change_scores, find_cuts, frame_signature


def _images(corpus: Path) -> list:
    return [cv2.imread(str(path)) for path in sorted((corpus / "images").glob("*.jpg"))]


def test_cuts_of_generated_trailers_are_found(tmp_path: Path, demo_corpus: Path) -> None:
    images = _images(demo_corpus)
    scores = []
    for seed in range(6):
        trailer = write_trailer(tmp_path / f"{seed}.mp4", images, "NIGHT SHIFT", seed, shots=6)
        frames = read_frames(str(trailer.path))
        change = change_scores(frame_signature(frame) for _, frame in frames)
        assert len(change) == trailer.frame_count
        scores.append(boundary_f1(find_cuts(change), trailer.cuts))
    assert min(scores) >= 0.9, scores


def test_wanted_frames_are_read_exactly(tmp_path: Path, demo_corpus: Path) -> None:
    trailer = write_trailer(tmp_path / "t.mp4", _images(demo_corpus), "NIGHT", 1, shots=3)
    assert video_info(str(trailer.path)).fps == pytest.approx(FPS)
    every = dict(read_frames(str(trailer.path)))
    wanted = dict(read_frames(str(trailer.path), wanted=frozenset({0, 5, 20})))
    assert sorted(wanted) == [0, 5, 20]
    assert all((wanted[index] == every[index]).all() for index in wanted)


def test_a_file_that_is_not_a_video_is_an_input_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"these are not frames" * 100)
    with pytest.raises(PosterInputError) as raised:
        list(read_frames(str(fake)))
    assert raised.value.kind is FailureKind.NOT_A_VIDEO
    assert "fake.mp4" in raised.value.message
