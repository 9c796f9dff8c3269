"""Read, hash and decode a batch's files into poster rows, path rows and failure rows.

Content identity: a poster is the sha256 of its bytes, so one image under two names (or
ingested twice) is one poster with two paths. Every file ends as exactly one of: a new poster,
an extra path of a known poster, or a failure with a specific reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tqdm import tqdm

from poster_assets.errors import FailureRow
from poster_assets.imaging.decode import (
    DEFAULT_LIMITS,
    DecodeLimits,
    decode_image,
    read_image_bytes,
)
from poster_assets.imaging.kept_copies import PosterCopies

INGEST_STAGE = "ingest"


@dataclass(frozen=True)
class PosterRow:
    poster_id: str
    batch_id: str
    path: str
    width: int
    height: int
    format: str
    source_mode: str
    frame_count: int
    exif_transposed: bool
    file_bytes: int
    ingested_at: datetime


@dataclass(frozen=True)
class PathRow:
    poster_id: str
    path: str
    batch_id: str
    seen_at: datetime


@dataclass
class IngestResult:
    posters: list[PosterRow] = field(default_factory=list)
    paths: list[PathRow] = field(default_factory=list)
    failures: list[FailureRow] = field(default_factory=list)


def ingest_files(
    paths: Sequence[str],
    batch_id: str,
    copies: PosterCopies,
    limits: DecodeLimits = DEFAULT_LIMITS,
    show_progress: bool = True,
) -> IngestResult:
    """Never raises for a bad file: each problem becomes a FailureRow and the batch goes on.
    Each poster's bytes, as hashed and decoded, are kept in `copies`."""
    result = IngestResult()
    decoded_ids: set[str] = set()
    for path in tqdm(paths, desc=f"ingest {batch_id}", unit="file", disable=not show_progress):
        now = datetime.now(UTC)
        sha256: str | None = None
        try:
            data = read_image_bytes(path, limits)
            sha256 = hashlib.sha256(data).hexdigest()
            if sha256 not in decoded_ids:
                image = decode_image(data, limits)
                copies.keep(sha256, data, image)
                result.posters.append(
                    PosterRow(
                        poster_id=sha256,
                        batch_id=batch_id,
                        path=path,
                        width=image.width,
                        height=image.height,
                        format=image.format,
                        source_mode=image.source_mode,
                        frame_count=image.frame_count,
                        exif_transposed=image.exif_transposed,
                        file_bytes=len(data),
                        ingested_at=now,
                    )
                )
                decoded_ids.add(sha256)
            result.paths.append(PathRow(sha256, path, batch_id, now))
        except Exception as error:  # noqa: BLE001 - recorded per file, never hides the batch
            result.failures.append(
                FailureRow.from_error(batch_id, INGEST_STAGE, path, sha256, error)
            )
    return result
