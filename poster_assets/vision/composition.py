"""A poster's composition: every pixel gets the role that shows there, as a person reads the
poster (the title's glyphs, other text, a subject, or background), and each subject keeps its
whole extent, the part the title covers included.

The roles come from cues other stages found, in this order of precedence: the title's glyph
pixels, the subject mask (GrabCut seeded by depth, saliency, faces, people and animals:
`vision/foreground`), the glyph pixels of the other OCR lines, background. Other text yields
to subjects because the detector also finds "lines" in a subject's texture (a horse read as
one tall "M"): letting them cut the subject took its mean IoU on generated posters from 0.90
to 0.79 (docs/measurements.md, "Composition"). The subject mask is split into subjects by
connectivity; a fragment too small to be a subject of its own joins the nearest one. Depth
layers are kept apart, as they are: here depth is one of the subject mask's cues, not the
segmentation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

BACKGROUND, TITLE_TEXT, OTHER_TEXT = 0, 1, 2
FIRST_SUBJECT = 3  # subjects are 3, 4, ... largest first
MAX_SUBJECTS = 255 - FIRST_SUBJECT
MIN_SUBJECT_SHARE = 0.01  # of the poster; smaller pieces of the mask join a subject
FIXED_ROLES = {BACKGROUND: "background", TITLE_TEXT: "title_text", OTHER_TEXT: "other_text"}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in poster pixels


def role_name(index: int) -> str:
    return FIXED_ROLES.get(index, "subject")


def subject_instances(subject: np.ndarray, min_share: float = MIN_SUBJECT_SHARE) -> np.ndarray:
    """(H, W) int32: 0 outside `subject`, else 1.. per subject, largest first. Connected
    pieces of at least `min_share` of the picture are subjects (the largest piece is one
    whatever its size); smaller pieces join the subject whose centroid is nearest theirs."""
    count, pieces, stats, centroids = cv2.connectedComponentsWithStats(
        subject.astype(np.uint8), connectivity=8
    )
    if count <= 1:
        return np.zeros(subject.shape, np.int32)
    areas = stats[1:, cv2.CC_STAT_AREA]
    by_size = np.argsort(-areas, kind="stable") + 1  # piece labels, largest first
    large = [int(piece) for piece in by_size if areas[piece - 1] >= min_share * subject.size]
    kept = (large or [int(by_size[0])])[:MAX_SUBJECTS]
    to_subject = np.zeros(count, np.int32)
    to_subject[kept] = np.arange(1, len(kept) + 1)
    for piece in range(1, count):
        if to_subject[piece] == 0:
            distances = np.linalg.norm(centroids[kept] - centroids[piece], axis=1)
            to_subject[piece] = int(np.argmin(distances)) + 1
    return to_subject[pieces]


@dataclass(frozen=True)
class Composition:
    """`roles`: (H, W) uint8, the role that shows at each pixel: BACKGROUND, TITLE_TEXT,
    OTHER_TEXT or FIRST_SUBJECT + n - 1 for subject n. `subjects`: (H, W) int32, 0 or n,
    each subject's whole extent, the part the title's glyphs cover included: a poster is
    layered, and a title laid over a figure does not make that part of it background."""

    roles: np.ndarray
    subjects: np.ndarray

    def role_mask(self, index: int) -> np.ndarray:
        if index >= FIRST_SUBJECT:
            return self.subjects == index - FIRST_SUBJECT + 1
        return self.roles == index

    @property
    def role_indices(self) -> list[int]:
        """The fixed roles, then one per subject."""
        count = int(self.subjects.max())
        return [*FIXED_ROLES, *range(FIRST_SUBJECT, FIRST_SUBJECT + count)]


def compose(
    subject_mask: np.ndarray,
    title_text: np.ndarray | None,
    other_text: np.ndarray | None,
    shape: tuple[int, int],
) -> Composition:
    """The composition at `shape` (the poster's pixels, where the text masks are).
    `subject_mask` may be smaller (the foreground's working size): it is scaled up smoothly,
    not in blocks."""
    height, width = shape
    scaled = cv2.resize(
        subject_mask.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR
    )
    subjects = subject_instances(scaled >= 0.5)
    roles = np.full(shape, BACKGROUND, np.uint8)
    if other_text is not None:
        roles[other_text] = OTHER_TEXT
    roles[subjects > 0] = (subjects[subjects > 0] + FIRST_SUBJECT - 1).astype(np.uint8)
    if title_text is not None:
        roles[title_text] = TITLE_TEXT
    return Composition(roles, subjects)


@dataclass(frozen=True)
class RoleSummary:
    index: int  # the role's value in the map
    role: str
    mask: np.ndarray  # (H, W) bool: a subject's whole extent, else where the role shows
    pixel_share: float
    box: Box | None  # its mask's bounding box; None when it has no pixels
    depth_rank: float | None  # its median depth's rank in the poster (ties halved), 0 = nearest
    faces: int  # detected faces whose centre lies in it
    objects: tuple[str, ...]  # labels of detected objects whose centre lies in it


def summarise_roles(
    found: Composition,
    depth: np.ndarray | None,
    faces: Sequence[Box],
    objects: Sequence[tuple[str, Box]],
) -> list[RoleSummary]:
    """One summary per fixed role (even when empty) and per subject. `depth` is the stored
    map (0 = near), any size. A detection is placed by its box's centre: in the subject
    there, else in the role that shows there."""
    height, width = found.roles.shape
    full_depth = None
    if depth is not None:
        full_depth = cv2.resize(depth.astype(np.float32), (width, height), cv2.INTER_LINEAR)
        ordered_depth = np.sort(depth.ravel())
    centre_roles = [_role_at(found, box) for box in faces]
    object_roles = [(label, _role_at(found, box)) for label, box in objects]
    summaries = []
    for index in found.role_indices:
        inside = found.role_mask(index)
        box, rank = None, None
        if inside.any():
            ys, xs = np.nonzero(inside)
            box = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
            if full_depth is not None:
                median = float(np.median(full_depth[inside]))
                nearer = np.searchsorted(ordered_depth, median, "left")
                not_farther = np.searchsorted(ordered_depth, median, "right")
                rank = float((nearer + not_farther) / 2 / ordered_depth.size)
        summaries.append(
            RoleSummary(
                index=index, role=role_name(index), mask=inside,
                pixel_share=float(inside.mean()), box=box, depth_rank=rank,
                faces=centre_roles.count(index),
                objects=tuple(label for label, found in object_roles if found == index),
            )
        )  # fmt: skip
    return summaries


def _role_at(found: Composition, box: Box) -> int:
    height, width = found.roles.shape
    x = min(max(int((box[0] + box[2]) / 2), 0), width - 1)
    y = min(max(int((box[1] + box[3]) / 2), 0), height - 1)
    subject = int(found.subjects[y, x])
    return FIRST_SUBJECT + subject - 1 if subject else int(found.roles[y, x])
