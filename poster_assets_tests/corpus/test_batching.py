from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from poster_assets.corpus.batching import FolderCursor, chunk, new_batch_id, plan_new_batches
from poster_assets.corpus.discovery import FileEntry

SECOND = 1_000_000_000


def _entry(name: str, ctime_s: float) -> FileEntry:
    return FileEntry(path=f"/x/{name}", size=10, mtime_ns=0, ctime_ns=int(ctime_s * SECOND))


def test_first_tick_batches_everything_settled_in_ctime_order() -> None:
    files = [_entry("c", 3), _entry("a", 1), _entry("b", 2), _entry("d", 4)]
    plan = plan_new_batches(
        files, FolderCursor(), now_ns=10 * SECOND, batch_size=3, settle_seconds=1
    )
    assert [[e.path for e in batch] for batch in plan.batches] == [
        ["/x/a", "/x/b", "/x/c"],
        ["/x/d"],
    ]
    assert plan.cursor == FolderCursor(4 * SECOND)


def test_cursor_excludes_seen_files_and_settle_window_defers_fresh_ones() -> None:
    files = [_entry("old", 1), _entry("new", 5), _entry("copying", 9.5)]
    plan = plan_new_batches(
        files, FolderCursor(1 * SECOND), now_ns=10 * SECOND, batch_size=10, settle_seconds=2
    )
    assert [[e.path for e in batch] for batch in plan.batches] == [["/x/new"]]
    assert plan.waiting_to_settle == 1
    assert plan.cursor == FolderCursor(5 * SECOND)
    later = plan_new_batches(
        files, plan.cursor, now_ns=20 * SECOND, batch_size=10, settle_seconds=2
    )
    assert [[e.path for e in batch] for batch in later.batches] == [["/x/copying"]]


def test_nothing_new_keeps_the_cursor() -> None:
    plan = plan_new_batches([], FolderCursor(7), now_ns=SECOND, batch_size=5, settle_seconds=0)
    assert plan.batches == [] and plan.cursor == FolderCursor(7)


def test_cursor_round_trips_through_json() -> None:
    assert FolderCursor.from_json(FolderCursor(123).to_json()) == FolderCursor(123)
    assert FolderCursor.from_json(None) == FolderCursor()


def test_chunk_rejects_non_positive_sizes() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        chunk([], 0)


def test_batch_ids_sort_by_time_and_are_unique() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    ids = {new_batch_id(moment) for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"20260102T030405-[0-9a-f]{6}", batch_id) for batch_id in ids)
