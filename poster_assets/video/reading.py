"""Reading a trailer's frames with OpenCV's video decoder, in order, with a bound on how much
of a long video is read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from poster_assets.errors import FailureKind, PosterInputError

FALLBACK_FPS = 25.0  # for containers that do not state a frame rate
MAX_SECONDS = 300.0  # trailers are 1-3 minutes; anything longer is read up to here


@dataclass(frozen=True)
class VideoInfo:
    fps: float
    frames_stated: int  # what the container says; may be 0 or wrong, the read is the truth


def _opened(path: str) -> cv2.VideoCapture:
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise PosterInputError(
            FailureKind.NOT_A_VIDEO,
            f"{path}: not a video OpenCV can decode (missing, unreadable or an unknown codec)",
        )
    return capture


def _info(capture: cv2.VideoCapture) -> VideoInfo:
    fps = capture.get(cv2.CAP_PROP_FPS)
    return VideoInfo(
        fps=fps if np.isfinite(fps) and fps > 0 else FALLBACK_FPS,
        frames_stated=max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))),
    )


def video_info(path: str) -> VideoInfo:
    capture = _opened(path)
    try:
        return _info(capture)
    finally:
        capture.release()


def read_frames(
    path: str, wanted: frozenset[int] | None = None, max_seconds: float = MAX_SECONDS
) -> Iterator[tuple[int, np.ndarray]]:
    """(index, BGR frame) in order: every frame, or only those in `wanted` (the others are
    grabbed, not converted). Sequential reading is exact where seeking in compressed video is
    not. A video with no decodable frame is an input error."""
    capture = _opened(path)
    try:
        last = int(max_seconds * _info(capture).fps)
        index = 0
        while index < last and (wanted is None or index <= max(wanted, default=-1)):
            if wanted is None or index in wanted:
                ok, frame = capture.read()
                if not ok:
                    break
                yield index, frame
            elif not capture.grab():
                break
            index += 1
    finally:
        capture.release()
    if index == 0:
        raise PosterInputError(FailureKind.NOT_A_VIDEO, f"{path}: the video has no frames")
