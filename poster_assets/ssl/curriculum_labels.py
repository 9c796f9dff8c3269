"""Cheap structural labels per poster, from what the graph stored, as auxiliary targets
for pretraining: title placement (vertical, horizontal), how many faces, how many depth modes,
and which depth layer carries the title. Each is a small class index; class 0 means unknown
or absent, so posters without a title or layers still train the other heads."""

from __future__ import annotations

import pandas as pd

# Task -> class names; index 0 is "none/unknown" for every task.
TASK_CLASSES: dict[str, tuple[str, ...]] = {
    "title_vertical": ("none", "top", "middle", "bottom"),
    "title_horizontal": ("none", "left", "centre", "right"),
    "face_count": ("none", "one", "two_or_more"),
    "depth_modes": ("unknown", "one", "two", "three_or_more"),
    "title_layer_rank": ("none", "nearest", "second", "third_or_farther"),
}


def _class_of(value: object, names: tuple[str, ...]) -> int:
    return names.index(value) if isinstance(value, str) and value in names else 0


def _bucket(count: object, top: int) -> int:
    """0 for unknown (NULL), else the count capped at `top` (counts start at 1)."""
    if count is None or pd.isna(count):
        return 0
    return int(min(int(count), top))


def label_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` as `store.training_inputs.curriculum_facts` returns them -> poster_id, path and
    one class column per task."""
    return pd.DataFrame(
        {
            "poster_id": rows["poster_id"],
            "path": rows["path"],
            "title_vertical": [
                _class_of(v, TASK_CLASSES["title_vertical"]) for v in rows["placement_v"]
            ],
            "title_horizontal": [
                _class_of(v, TASK_CLASSES["title_horizontal"]) for v in rows["placement_h"]
            ],
            "face_count": [min(int(count), 2) for count in rows["faces"]],
            "depth_modes": [_bucket(count, 3) for count in rows["mode_count"]],
            "title_layer_rank": [
                0 if layer is None or pd.isna(layer) else min(int(layer) + 1, 3)
                for layer in rows["title_layer"]
            ],
        }
    )
