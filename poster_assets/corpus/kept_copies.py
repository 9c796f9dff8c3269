"""Each poster's verified bytes, kept under the home by content id (`HOME/posters/ab/<id>`).
Stages, previews and `show` read these, never the user's file again: a file replaced, edited
or renamed after ingest cannot lend its pixels to another poster's analysis or make it fail.
The bytes are written from the very buffer that was hashed, so what is kept is the poster."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class PosterCopies:
    """The kept copies of one home; one file per distinct poster (duplicates share it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, poster_id: str) -> Path:
        return self.folder / poster_id[:2] / poster_id

    def keep(self, poster_id: str, data: bytes) -> None:
        """Write once, atomically (a reader never sees half a file; two writers, the same
        bytes)."""
        target = self.path(poster_id)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as part:
            part.write(data)
        os.replace(part.name, target)

    def source(self, poster_id: str, path: str) -> str:
        """What to read for a poster: its kept copy, or (ingested before copies were kept,
        or on another machine of a scale-out) the file it was registered from."""
        kept = self.path(poster_id)
        return str(kept) if kept.exists() else path
