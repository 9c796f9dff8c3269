"""Shot boundaries from frame-to-frame change (pure numpy and OpenCV on small frames).

A frame's signature is its colour histogram and a coarse grey thumbnail. A cut is a frame
whose change from the one before is large in absolute terms and several times the change
around it: pans, zooms and compression noise change frames steadily, cuts change them at
once. The thresholds were measured on generated trailers (`video/generated.py`,
docs/trailers.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

THUMB_SIZE = (32, 18)
HIST_BINS = [8, 8, 8]
HIST_RANGES = [0, 256, 0, 256, 0, 256]


@dataclass(frozen=True)
class CutSettings:
    min_change: float = 0.3  # a cut's change, 0..1 (histogram distance and thumbnail change)
    ratio: float = 2.0  # times the mean change of the frames around it
    window: int = 4  # frames each side that make "around it"
    min_shot_frames: int = 4  # no cut closer than this to the previous one


@dataclass(frozen=True)
class Shot:
    index: int
    start_frame: int
    end_frame: int  # exclusive

    @property
    def keyframe(self) -> int:
        """The middle frame: away from the cut's transition and any fade."""
        return (self.start_frame + self.end_frame - 1) // 2


def frame_signature(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(normalised colour histogram, grey thumbnail in 0..1) of one frame. RGB bins, not hue:
    the hue of grey pixels is noise, and title cards are mostly grey."""
    small = cv2.resize(bgr, (128, 72), interpolation=cv2.INTER_AREA)
    histogram = cv2.calcHist([small], [0, 1, 2], None, HIST_BINS, HIST_RANGES)
    cv2.normalize(histogram, histogram, 1.0, 0.0, cv2.NORM_L1)
    grey = cv2.resize(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), THUMB_SIZE, cv2.INTER_AREA)
    return histogram, grey.astype(np.float32) / 255.0


def change_scores(signatures: Iterable[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Change of each frame from the one before (0 for the first): the mean of the colour
    histograms' Bhattacharyya distance and 4x the thumbnails' mean absolute difference."""
    scores = [0.0]
    previous = None
    for histogram, grey in signatures:
        if previous is not None:
            colour = cv2.compareHist(previous[0], histogram, cv2.HISTCMP_BHATTACHARYYA)
            layout = float(np.abs(previous[1] - grey).mean())
            scores.append(0.5 * colour + 0.5 * min(1.0, 4.0 * layout))
        previous = (histogram, grey)
    return np.asarray(scores, dtype=np.float64)


def find_cuts(scores: np.ndarray, settings: CutSettings = CutSettings()) -> list[int]:
    """Frames that start a new shot."""
    cuts: list[int] = []
    for frame in range(1, len(scores)):
        around = np.concatenate(
            [scores[max(1, frame - settings.window) : frame],
             scores[frame + 1 : frame + 1 + settings.window]]
        )  # fmt: skip
        baseline = float(around.mean()) if len(around) else 0.0
        is_cut = scores[frame] >= settings.min_change and scores[frame] >= settings.ratio * baseline
        if is_cut and (not cuts or frame - cuts[-1] >= settings.min_shot_frames):
            cuts.append(frame)
    return cuts


def shots_from_cuts(cuts: Sequence[int], frame_count: int) -> list[Shot]:
    starts = [0, *[cut for cut in cuts if 0 < cut < frame_count]]
    ends = [*starts[1:], frame_count]
    pairs = zip(starts, ends, strict=True)
    return [Shot(index, start, end) for index, (start, end) in enumerate(pairs)]


def matched_cuts(found: Sequence[int], truth: Sequence[int], tolerance: int = 1) -> int:
    """How many found cuts match a true cut within `tolerance` frames (each true cut once)."""
    unmatched = list(truth)
    hits = 0
    for cut in found:
        near = [true for true in unmatched if abs(true - cut) <= tolerance]
        if near:
            unmatched.remove(min(near, key=lambda true: abs(true - cut)))
            hits += 1
    return hits


def boundary_f1(found: Sequence[int], truth: Sequence[int], tolerance: int = 1) -> float:
    """F1 of found cuts against true ones; no cuts found where none exist is 1."""
    if not found and not truth:
        return 1.0
    hits = matched_cuts(found, truth, tolerance)
    return 2 * hits / (len(found) + len(truth))
