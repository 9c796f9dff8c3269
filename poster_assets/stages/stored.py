"""Stored rows back to what stages and previews use: depth layers as a label map, the
foreground mask, the composition's role map, and the poster's pixels (best effort, for
pictures)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from poster_assets.errors import PosterInputError
from poster_assets.stages.spec import RowReader
from poster_assets.vision.masks import decode_label_png, decode_mask_png


@dataclass(frozen=True)
class LayerMap:
    labels: np.ndarray  # (h, w) uint8 layer index, 0 = nearest
    roles: tuple[str, ...]  # per layer index

    def role_mask(self, role: str) -> np.ndarray:
        """Pixels of the layers with this role (foreground / midground / background)."""
        chosen = [index for index, layer_role in enumerate(self.roles) if layer_role == role]
        return np.isin(self.labels, chosen)


def layer_map(layer_rows: pd.DataFrame) -> LayerMap | None:
    """One poster's rows of `layers`; None when it has none (no depth model, failed depth)."""
    if layer_rows.empty:
        return None
    ordered = layer_rows.sort_values("layer_index")
    masks = np.stack([decode_mask_png(mask) for mask in ordered["mask_png"]])
    return LayerMap(masks.argmax(axis=0).astype(np.uint8), tuple(ordered["role"]))


def layer_maps(layer_rows: pd.DataFrame) -> dict[str, LayerMap]:
    """Rows of `layers` of many posters, per poster."""
    return {
        poster_id: found
        for poster_id, group in layer_rows.groupby("poster_id")
        if (found := layer_map(group)) is not None
    }


def foreground_mask(foreground_rows: pd.DataFrame) -> np.ndarray | None:
    """One poster's row of `foreground` as a boolean mask, or None."""
    if foreground_rows.empty:
        return None
    return decode_mask_png(foreground_rows["mask_png"].iloc[0])


def foreground_masks(foreground_rows: pd.DataFrame) -> dict[str, np.ndarray]:
    return {row.poster_id: decode_mask_png(row.mask_png) for row in foreground_rows.itertuples()}


def role_maps(composition_rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Rows of `composition` as (H, W) role maps (`vision/composition`), by poster."""
    return {row.poster_id: decode_label_png(row.roles_png) for row in composition_rows.itertuples()}


def subject_extents(role_rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Rows of `composition_roles` as each poster's subjects together, whole (what the title
    covers included); a poster with no subject gets an empty mask."""
    extents: dict[str, np.ndarray] = {}
    for row in role_rows.itertuples():
        mask = decode_mask_png(row.mask_png)
        if row.poster_id not in extents:
            extents[row.poster_id] = np.zeros(mask.shape, bool)
        if row.role == "subject":
            extents[row.poster_id] |= mask
    return extents


def poster_pictures(rows: RowReader, poster_ids: Sequence[str]) -> dict[str, np.ndarray]:
    """The posters' pixels by id, from their kept copies; one whose bytes cannot be read as
    registered is left out."""
    paths = rows.rows("posters", poster_ids).set_index("poster_id")["path"]
    pictures = {}
    for poster_id in poster_ids:
        try:
            pictures[poster_id] = rows.poster_rgb(poster_id, paths[poster_id])
        except (PosterInputError, KeyError):
            continue
    return pictures


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in poster pixels


def detection_boxes(rows: pd.DataFrame) -> list[Box]:
    """Rows of `faces` or `objects` as boxes."""
    return [tuple(box) for box in rows[["x0", "y0", "x1", "y1"]].to_numpy(float).tolist()]


def labelled_boxes(rows: pd.DataFrame) -> list[tuple[str, Box]]:
    """Rows of `objects` as (label, box)."""
    return list(zip(rows["label"], detection_boxes(rows), strict=True))


def _title_rows(lines: pd.DataFrame, line_indices: Sequence[int]) -> pd.DataFrame:
    return lines[lines["line_index"].isin(list(line_indices))]


def title_quadrilaterals(lines: pd.DataFrame, line_indices: Sequence[int]) -> list[np.ndarray]:
    """The 4x2 boxes of a poster's title lines, from its `ocr_lines` rows."""
    chosen = _title_rows(lines, line_indices)
    return [np.asarray(polygon, float).reshape(4, 2) for polygon in chosen["polygon"]]


def title_line_texts(lines: pd.DataFrame, line_indices: Sequence[int]) -> list[str]:
    """What OCR read on each title line, in `title_quadrilaterals`' order."""
    return [str(text) for text in _title_rows(lines, line_indices)["text"]]


def known_title(metadata_rows: pd.DataFrame) -> str | None:
    """The poster's title from its `metadata` row, if it has one."""
    title = metadata_rows["title"].iloc[0] if len(metadata_rows) else None
    return title if isinstance(title, str) and title.strip() else None


def titles_read(rows: RowReader, poster_ids: Sequence[str]) -> dict[str, str]:
    """The title read on each poster ('' where none was), for captions."""
    titles = rows.rows("titles", poster_ids)
    return dict(zip(titles["poster_id"], titles["title_text"], strict=True))
