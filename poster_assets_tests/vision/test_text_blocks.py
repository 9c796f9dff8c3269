from __future__ import annotations

from poster_assets.vision.text_blocks import (
    are_side_by_side,
    are_stacked,
    group_stacked_lines,
    group_title_lines,
    on_one_row,
    reading_order,
    row_order,
)
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


def test_pieces_of_one_row_are_side_by_side() -> None:
    # The detector cut "CRAZY in ALABAMA" in two (Crazy in Alabama's poster, rounded).
    crazy, alabama = rect_line("CRAZY in", 30, 45, 128, 90), rect_line("ALABAMA", 167, 45, 272, 89)
    assert on_one_row(crazy, alabama) and are_side_by_side(crazy, alabama)
    assert not are_side_by_side(crazy, rect_line("ALABAMA", 240, 45, 340, 89))  # too far apart
    assert not are_side_by_side(crazy, rect_line("tiny", 130, 80, 160, 88))  # far smaller type


def test_tightly_leaded_lines_and_type_on_a_word_are_not_one_row() -> None:
    # Leave It to Beaver: stacked lines whose boxes overlap by most of a glyph height.
    assert not on_one_row(rect_line("Leave", 171, 0, 265, 42), rect_line("It To", 173, 19, 254, 59))
    # National Lampoon's Vacation: small type on the top edge of the big word.
    lampoon, vacation = (
        rect_line("LAMPOON'S", 102, 60, 203, 82),
        rect_line("VACATION", 47, 63, 249, 158),
    )
    assert not on_one_row(lampoon, vacation)


def test_title_groups_read_row_by_row() -> None:
    # The People Under the Stairs: "PEOPLE"'s box starts a pixel above "THE" beside it.
    lines = [
        rect_line("PEOPLE", 71, 150, 203, 208),
        rect_line("THE", 34, 151, 81, 184),
        rect_line("UNDER", 57, 191, 193, 246),
        rect_line("STAIRS", 120, 231, 249, 284),
        rect_line("THE", 88, 238, 133, 270),
        rect_line("that adults whisper about", 50, 395, 236, 406),
    ]
    assert reading_order(lines, range(5)) == [0, 1, 2, 3, 4]  # top edges alone
    assert row_order(lines, [0, 1, 2, 3, 4]) == [1, 0, 2, 4, 3]
    assert group_title_lines(lines) == [[1, 0, 2, 4, 3], [5]]
    assert group_title_lines([]) == []
