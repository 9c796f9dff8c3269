from __future__ import annotations

from poster_assets.vision.text_blocks import are_stacked, group_stacked_lines
from poster_assets_tests.text_line_factory import rect_line


def test_stacked_means_similar_height_close_and_overlapping() -> None:
    top = rect_line("THE", 100, 50, 200, 80)
    assert are_stacked(top, rect_line("TOWN", 80, 90, 220, 130))  # 10 px gap, heights 30/40
    assert not are_stacked(top, rect_line("TOWN", 80, 200, 220, 240))  # too far below
    assert not are_stacked(top, rect_line("tiny", 100, 82, 200, 88))  # far smaller type
    assert not are_stacked(top, rect_line("SIDE", 230, 50, 290, 80))  # beside, not stacked


def test_blocks_partition_lines_and_join_in_reading_order() -> None:
    lines = [
        rect_line("DIRECTED BY SOMEONE", 60, 420, 240, 430),
        rect_line("TOWN", 80, 90, 220, 130),
        rect_line("THE", 100, 50, 200, 80),
    ]
    blocks = group_stacked_lines(lines)
    assert [block.text for block in blocks] == ["THE TOWN", "DIRECTED BY SOMEONE"]
    assert blocks[0].line_indices == (2, 1)
    assert blocks[0].box == (80, 50, 220, 130)
    assert sorted(i for block in blocks for i in block.line_indices) == [0, 1, 2]


def test_no_lines_no_blocks() -> None:
    assert group_stacked_lines([]) == []
