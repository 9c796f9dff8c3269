"""Lines that belong together: a title split over lines is set in stacked lines of comparable
glyph height, close above one another and horizontally overlapping. Grouping them recovers
titles the recogniser returns in pieces ("THE" / "TOWN")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from poster_assets.vision.text_lines import TextLine

STACK_MIN_HEIGHT_RATIO = 0.4
STACK_MAX_GAP = 1.0  # in glyph heights of the smaller line
STACK_MIN_OVERLAP = 0.3  # of the narrower line's width


@dataclass(frozen=True)
class TextBlock:
    """Lines in reading order (top to bottom, then left to right)."""

    text: str
    line_indices: tuple[int, ...]
    box: tuple[float, float, float, float]


def are_stacked(a: TextLine, b: TextLine) -> bool:
    ax0, ay0, ax1, ay1 = a.box
    bx0, by0, bx1, by1 = b.box
    ratio = b.height / max(a.height, 1e-6)
    similar = STACK_MIN_HEIGHT_RATIO <= ratio <= 1 / STACK_MIN_HEIGHT_RATIO
    close = max(by0 - ay1, ay0 - by1) <= STACK_MAX_GAP * min(a.height, b.height)
    overlap = min(ax1, bx1) - max(ax0, bx0)
    aligned = overlap >= STACK_MIN_OVERLAP * min(ax1 - ax0, bx1 - bx0)
    return similar and close and aligned


def reading_order(lines: Sequence[TextLine], indices: set[int] | Sequence[int]) -> list[int]:
    return sorted(indices, key=lambda index: (lines[index].box[1], lines[index].box[0]))


def join_lines(lines: Sequence[TextLine], indices: Sequence[int]) -> TextBlock:
    members = [lines[index] for index in indices]
    box = (
        min(line.box[0] for line in members),
        min(line.box[1] for line in members),
        max(line.box[2] for line in members),
        max(line.box[3] for line in members),
    )
    return TextBlock(" ".join(line.text for line in members), tuple(indices), box)


def group_stacked_lines(lines: Sequence[TextLine]) -> list[TextBlock]:
    """Every line in exactly one block: connected components of `are_stacked`."""
    parent = list(range(len(lines)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            if are_stacked(lines[i], lines[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for index in range(len(lines)):
        groups.setdefault(root(index), []).append(index)
    blocks = [join_lines(lines, reading_order(lines, members)) for members in groups.values()]
    return sorted(blocks, key=lambda block: (block.box[1], block.box[0]))


def searchable_texts(lines: Sequence[TextLine]) -> list[str]:
    """Where a known title is looked for (`text_lines.contains_title`): every line, and every
    block of stacked lines merged."""
    merged = [block.text for block in group_stacked_lines(lines) if len(block.line_indices) > 1]
    return [line.text for line in lines] + merged
