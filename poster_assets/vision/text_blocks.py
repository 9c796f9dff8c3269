"""Lines that belong together: a title split over lines is set in stacked lines of comparable
glyph height, close above one another and horizontally overlapping. Grouping them recovers
titles the recogniser returns in pieces ("THE" / "TOWN"). The detector also cuts one line of
display type into pieces side by side ("CRAZY in" | "ALABAMA", "THE" | "GHOST"); title
candidates join those too, read row by row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from poster_assets.vision.text_lines import TextLine

STACK_MIN_HEIGHT_RATIO = 0.4
STACK_MAX_GAP = 1.0  # in glyph heights of the smaller line
STACK_MIN_OVERLAP = 0.3  # of the narrower line's width
ROW_ALIGNMENT = 0.3  # tops, bottoms or centres this close, in glyph heights of the smaller line
ROW_MAX_OVERLAP = 0.5  # pieces of one row overlap at most this share of the narrower one's width
ROW_MAX_GAP = 1.5  # in glyph heights of the smaller piece


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


def on_one_row(a: TextLine, b: TextLine) -> bool:
    """Set on one row: tops, bottoms or centres aligned, and side by side rather than one
    over the other (lines of display type are leaded so tightly that their boxes overlap,
    and a small "NATIONAL LAMPOON'S" may sit on the top edge of a big "VACATION")."""
    ax0, ay0, ax1, ay1 = a.box
    bx0, by0, bx1, by1 = b.box
    offsets = (abs(ay0 - by0), abs(ay1 - by1), abs(ay0 + ay1 - by0 - by1) / 2)
    aligned = min(offsets) <= ROW_ALIGNMENT * min(a.height, b.height)
    overlap = min(ax1, bx1) - max(ax0, bx0)
    return aligned and overlap <= ROW_MAX_OVERLAP * min(ax1 - ax0, bx1 - bx0)


def are_side_by_side(a: TextLine, b: TextLine) -> bool:
    """Pieces of one line of type: on one row, comparable glyph height, a short gap apart."""
    ratio = b.height / max(a.height, 1e-6)
    similar = STACK_MIN_HEIGHT_RATIO <= ratio <= 1 / STACK_MIN_HEIGHT_RATIO
    gap = max(b.box[0] - a.box[2], a.box[0] - b.box[2])
    return similar and on_one_row(a, b) and gap <= ROW_MAX_GAP * min(a.height, b.height)


def reading_order(lines: Sequence[TextLine], indices: set[int] | Sequence[int]) -> list[int]:
    return sorted(indices, key=lambda index: (lines[index].box[1], lines[index].box[0]))


def row_order(lines: Sequence[TextLine], indices: Sequence[int]) -> list[int]:
    """Rows top to bottom, each left to right: "THE" before "PEOPLE" even where "PEOPLE"'s
    box starts a pixel higher."""
    rows = [
        [indices[position] for position in members]
        for members in _components([lines[index] for index in indices], on_one_row)
    ]
    rows.sort(key=lambda row: min(lines[index].box[1] for index in row))
    return [index for row in rows for index in sorted(row, key=lambda i: lines[i].box[0])]


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
    blocks = [
        join_lines(lines, reading_order(lines, members))
        for members in _components(lines, are_stacked)
    ]
    return sorted(blocks, key=lambda block: (block.box[1], block.box[0]))


def group_title_lines(lines: Sequence[TextLine]) -> list[list[int]]:
    """Indices of lines that may make one title, in row order: connected components of
    `are_stacked` or `are_side_by_side`, top to bottom."""
    groups = [
        row_order(lines, members)
        for members in _components(lines, lambda a, b: are_stacked(a, b) or are_side_by_side(a, b))
    ]
    return sorted(groups, key=lambda group: (lines[group[0]].box[1], lines[group[0]].box[0]))


def _components(
    lines: Sequence[TextLine], related: Callable[[TextLine, TextLine], bool]
) -> list[list[int]]:
    """Connected components of `related`, each in index order."""
    parent = list(range(len(lines)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            if related(lines[i], lines[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for index in range(len(lines)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())
