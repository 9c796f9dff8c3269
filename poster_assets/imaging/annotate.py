"""Draw what the stages found on a poster for people to check: OCR lines and the title;
the foreground, faces and objects; the composition's roles."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from poster_assets.vision.composition import BACKGROUND, FIRST_SUBJECT, OTHER_TEXT, TITLE_TEXT

LINE_COLOUR = (0, 200, 255)
TITLE_COLOUR = (255, 40, 40)


def draw_ocr(
    rgb: np.ndarray,
    polygons: Sequence[np.ndarray],
    title_box: tuple[float, float, float, float] | None,
) -> np.ndarray:
    """Returns an annotated copy; `polygons` are (4, 2) pixel corners."""
    canvas = rgb.copy()
    for polygon in polygons:
        points = np.round(polygon).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [points], isClosed=True, color=LINE_COLOUR, thickness=1)
    if title_box is not None:
        x0, y0, x1, y1 = (int(round(value)) for value in title_box)
        cv2.rectangle(canvas, (x0, y0), (x1, y1), TITLE_COLOUR, thickness=3)
    return canvas


FOREGROUND_TINT = (255, 0, 160)
FACE_COLOUR = (40, 255, 40)
OBJECT_COLOUR = (255, 200, 0)
FOREGROUND_LEGEND = (
    (FOREGROUND_TINT, "foreground outline (background dimmed)"),
    (FACE_COLOUR, "face"),
    (OBJECT_COLOUR, "COCO object"),
)


def draw_foreground(
    rgb: np.ndarray,
    mask: np.ndarray | None,
    faces: Sequence[tuple[float, float, float, float]],
    objects: Sequence[tuple[str, tuple[float, float, float, float]]],
) -> np.ndarray:
    """Returns an annotated copy: the background dimmed outside `mask` (any size) with the
    mask's outline, face boxes, and labelled object boxes."""
    canvas = rgb.copy()
    if mask is not None:
        full = cv2.resize(
            mask.astype(np.uint8), (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_NEAREST
        )
        canvas[full == 0] = (canvas[full == 0] * 0.35).astype(np.uint8)
        contours, _ = cv2.findContours(full, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(canvas, contours, -1, FOREGROUND_TINT, thickness=2)
    return draw_detections(canvas, faces, objects)


def draw_detections(
    canvas: np.ndarray,
    faces: Sequence[tuple[float, float, float, float]],
    objects: Sequence[tuple[str, tuple[float, float, float, float]]],
) -> np.ndarray:
    """Draws face boxes and labelled object boxes on `canvas` (in place) and returns it."""
    for label, box in objects:
        x0, y0, x1, y1 = (int(round(value)) for value in box)
        cv2.rectangle(canvas, (x0, y0), (x1, y1), OBJECT_COLOUR, thickness=1)
        cv2.putText(
            canvas, label, (x0 + 2, max(10, y0 + 10)), cv2.FONT_HERSHEY_SIMPLEX, 0.35,
            OBJECT_COLOUR, 1, cv2.LINE_AA,
        )  # fmt: skip
    for box in faces:
        x0, y0, x1, y1 = (int(round(value)) for value in box)
        cv2.rectangle(canvas, (x0, y0), (x1, y1), FACE_COLOUR, thickness=2)
    return canvas


SUBJECT_TINTS = np.array([[255, 0, 160], [140, 90, 255], [255, 160, 0], [80, 160, 255]], np.uint8)
TITLE_TEXT_TINT = (255, 40, 40)
OTHER_TEXT_TINT = (0, 220, 255)
COMPOSITION_LEGEND = (
    (tuple(SUBJECT_TINTS[0]), "subject"),
    (tuple(SUBJECT_TINTS[1]), "2nd subject"),
    (TITLE_TEXT_TINT, "title text"),
    (OTHER_TEXT_TINT, "other text"),
    ((90, 90, 90), "background (dimmed)"),
)


def draw_composition(rgb: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """Returns a copy with each role tinted (`vision/composition`'s map, the poster's size):
    background dimmed, subjects in turn colours, text pixels solid."""
    canvas = rgb.astype(np.float32)
    canvas[roles == BACKGROUND] *= 0.35
    subjects = roles >= FIRST_SUBJECT
    tints = SUBJECT_TINTS[(roles[subjects] - FIRST_SUBJECT) % len(SUBJECT_TINTS)]
    canvas[subjects] = 0.55 * canvas[subjects] + 0.45 * tints
    canvas[roles == TITLE_TEXT] = TITLE_TEXT_TINT
    canvas[roles == OTHER_TEXT] = OTHER_TEXT_TINT
    return canvas.astype(np.uint8)
