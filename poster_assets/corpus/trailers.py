"""Which trailer video belongs to which poster: a video beside the posters is matched by its
file stem (= the poster's file stem, or its metadata id); a trailers CSV names the pairs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from poster_assets.corpus.discovery import FileEntry, stat_entry
from poster_assets.corpus.metadata import (
    FILE_COLUMNS,
    ID_COLUMNS,
    MetadataFormatError,
    first_present,
    read_csv_text,
)

TRAILER_COLUMNS = ("trailer", "video", "trailer_path")
FOLDER_SOURCE = "folder"


@dataclass(frozen=True)
class TrailerFile:
    """A trailer video and the poster key it is for."""

    entry: FileEntry
    match_key: str  # a poster's file stem or name, or a metadata id
    source: str  # FOLDER_SOURCE or the CSV it came from


def folder_trailers(videos: list[FileEntry]) -> list[TrailerFile]:
    """Videos listed beside posters: each is for the poster of the same file stem."""
    return [TrailerFile(video, Path(video.path).stem, FOLDER_SOURCE) for video in videos]


def read_trailers_csv(path: Path) -> list[TrailerFile]:
    """Rows of (poster id or file name, trailer path); a relative trailer path is read from
    the CSV's folder."""
    raw = read_csv_text(path)
    columns = list(raw.columns)
    key_column = first_present(columns, ID_COLUMNS + FILE_COLUMNS + ("poster",))
    trailer_column = first_present(columns, TRAILER_COLUMNS)
    if key_column is None or trailer_column is None:
        raise MetadataFormatError(
            f"{path} needs a poster column ({', '.join(ID_COLUMNS + FILE_COLUMNS)} or poster) "
            f"and a trailer column ({', '.join(TRAILER_COLUMNS)}); it has {columns}"
        )
    folder = path.resolve().parent
    found = []
    for key, video in zip(raw[key_column], raw[trailer_column], strict=True):
        if not key.strip() or not video.strip():
            continue
        match_key = os.path.basename(key.strip())
        found.append(TrailerFile(stat_entry(str(folder / video.strip())), match_key, str(path)))
    return found
