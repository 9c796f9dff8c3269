"""Each poster's pixels, kept under the home by content id (`HOME/posters/ab/<id>`). Stages,
previews and `show` read these, never the user's file again: a file replaced, edited or
renamed after ingest cannot lend its pixels to another poster's analysis or make it fail.
What is kept comes from the very buffer that was hashed: the file's bytes, or for a picture
over `DecodeLimits.max_side` (1024 px) the reduced picture ingest decoded, as PNG: a
100-megapixel file then costs every later reader at most ~1 megapixel."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from poster_assets.imaging.decode import DecodedImage, decode_image, read_image_bytes
from poster_assets.imaging.poster_pixels import verified_rgb


class PosterCopies:
    """The kept copies of one home; one file per distinct poster (duplicates share it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, poster_id: str) -> Path:
        return self.folder / poster_id[:2] / poster_id

    def keep(self, poster_id: str, data: bytes, decoded: DecodedImage) -> None:
        """Write once, atomically (a reader never sees half a file; two writers, the same
        content)."""
        target = self.path(poster_id)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as part:
            if decoded.reduced:
                Image.fromarray(decoded.rgb).save(part, format="PNG", compress_level=1)
            else:
                part.write(data)
        os.replace(part.name, target)

    def rgb(self, poster_id: str, path: str) -> np.ndarray:
        """The poster's pixels: its kept copy (ours, so not hashed again), or the file it was
        registered from if that still holds its bytes (raises PosterInputError if not)."""
        kept = self.path(poster_id)
        if kept.exists():
            return decode_image(read_image_bytes(kept)).rgb
        return verified_rgb(poster_id, path)

    def source(self, poster_id: str, path: str) -> str:
        """The file to read for a poster that is only read whole (pretraining): its kept
        copy, or the file it was registered from."""
        kept = self.path(poster_id)
        return str(kept) if kept.exists() else path
