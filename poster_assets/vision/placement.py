"""Where a box sits on a poster, in the words a designer uses: top/middle/bottom and
left/centre/right, from the box centre against the poster's thirds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VerticalPlacement = Literal["top", "middle", "bottom"]
HorizontalPlacement = Literal["left", "centre", "right"]


@dataclass(frozen=True)
class Placement:
    vertical: VerticalPlacement
    horizontal: HorizontalPlacement


def placement_of_box(box: tuple[float, float, float, float], width: int, height: int) -> Placement:
    """`box` is (x0, y0, x1, y1) in pixels of a `width` x `height` image."""
    x0, y0, x1, y1 = box
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    if x1 < x0 or y1 < y0:
        raise ValueError(f"box must have x0 <= x1 and y0 <= y1, got {box}")
    centre_x = (x0 + x1) / 2 / width
    centre_y = (y0 + y1) / 2 / height
    vertical: VerticalPlacement = (
        "top" if centre_y < 1 / 3 else "middle" if centre_y < 2 / 3 else "bottom"
    )
    horizontal: HorizontalPlacement = (
        "left" if centre_x < 1 / 3 else "centre" if centre_x < 2 / 3 else "right"
    )
    return Placement(vertical, horizontal)
