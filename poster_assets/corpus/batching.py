"""Plan newly arrived files into bounded batches, with a cursor that survives restarts.

The cursor is the largest inode-change time (ctime) already handed out. ctime, unlike mtime,
is set when a file is created or moved into the folder, so `cp -p` and `rsync -a` (which keep
old mtimes) are still seen. Files changed within `settle_seconds` wait for the next tick, so a
file still being copied is not ingested half-written, and every file at or below the cursor
was already present when it was listed.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from poster_assets.corpus.discovery import FileEntry


@dataclass(frozen=True)
class FolderCursor:
    ctime_ns: int = -1

    def to_json(self) -> str:
        return json.dumps({"ctime_ns": self.ctime_ns})

    @classmethod
    def from_json(cls, text: str | None) -> FolderCursor:
        if not text:
            return cls()
        return cls(ctime_ns=int(json.loads(text)["ctime_ns"]))


@dataclass(frozen=True)
class BatchPlan:
    batches: list[list[FileEntry]]
    cursor: FolderCursor
    waiting_to_settle: int


def plan_new_batches(
    files: Iterable[FileEntry],
    cursor: FolderCursor,
    now_ns: int,
    batch_size: int,
    settle_seconds: float,
) -> BatchPlan:
    """Split files newer than the cursor and older than the settle window into batches."""
    settled_before = now_ns - int(settle_seconds * 1e9)
    fresh = [entry for entry in files if entry.ctime_ns > cursor.ctime_ns]
    ready = sorted(
        (entry for entry in fresh if entry.ctime_ns <= settled_before),
        key=lambda entry: (entry.ctime_ns, entry.path),
    )
    new_cursor = FolderCursor(max((e.ctime_ns for e in ready), default=cursor.ctime_ns))
    return BatchPlan(
        batches=chunk(ready, batch_size),
        cursor=new_cursor,
        waiting_to_settle=len(fresh) - len(ready),
    )


def chunk(entries: Sequence[FileEntry], batch_size: int) -> list[list[FileEntry]]:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return [
        list(entries[start : start + batch_size]) for start in range(0, len(entries), batch_size)
    ]


def new_batch_id(now: datetime | None = None) -> str:
    """Sortable and unique across processes: UTC time to the second plus random hex."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
    return f"{moment}-{secrets.token_hex(3)}"
