"""Reading a metadata CSV (id or file name, title, year, genres) into a typed frame."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from poster_assets.errors import PosterAssetsError

ID_COLUMNS = ("imdb_id", "id", "poster_key")
FILE_COLUMNS = ("image", "file_name", "filename", "file", "path")
GENRE_COLUMNS = ("genres", "genre")
METADATA_COLUMNS = ["match_key", "source_id", "title", "year", "genres"]


class MetadataFormatError(PosterAssetsError, ValueError):
    """The CSV cannot be used; the message says what it lacks."""


def first_present(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {column.lower(): column for column in columns}
    return next((lowered[name] for name in candidates if name in lowered), None)


def parse_year(value: str) -> int | None:
    """The first four-digit year in the cell ('1999', '1999-2003', '(1999)'), else None."""
    found = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", value)
    return int(found.group(1)) if found else None


def parse_genres(value: str) -> list[str]:
    """'Drama|Comedy', 'Drama, Comedy' or 'Drama;Comedy' -> ['Drama', 'Comedy']."""
    return [genre.strip() for genre in re.split(r"[|,;]", value) if genre.strip()]


def read_csv_text(path: Path, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every cell as text ('' when empty): what both the metadata CSV and a labelled corpus's
    labels.csv are read with."""
    if not path.is_file():
        raise MetadataFormatError(f"no file {path}")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise MetadataFormatError(f"{path} is not a readable CSV: {error}") from error
    missing = set(required) - set(raw.columns)
    if missing:
        raise MetadataFormatError(f"{path} lacks columns {sorted(missing)}")
    return raw


def read_metadata_csv(path: Path) -> pd.DataFrame:
    """One row per CSV row: `match_key` is the file's base name when the CSV names files,
    else the id (matched against file names without extension)."""
    raw = read_csv_text(path)
    columns = list(raw.columns)
    id_column = first_present(columns, ID_COLUMNS)
    file_column = first_present(columns, FILE_COLUMNS)
    if id_column is None and file_column is None:
        raise MetadataFormatError(
            f"{path} needs an id column ({', '.join(ID_COLUMNS)}) or a file column "
            f"({', '.join(FILE_COLUMNS)}); it has {columns}"
        )
    title_column = first_present(columns, ("title",))
    year_column = first_present(columns, ("year",))
    genre_column = first_present(columns, GENRE_COLUMNS)
    keys = (
        raw[file_column].map(os.path.basename)
        if file_column is not None
        else raw[id_column].str.strip()
    )
    return pd.DataFrame(
        {
            "match_key": keys,
            "source_id": raw[id_column] if id_column else None,
            "title": raw[title_column].replace("", None) if title_column else None,
            "year": raw[year_column].map(parse_year) if year_column else None,
            "genres": raw[genre_column].map(parse_genres) if genre_column else [[]] * len(raw),
        },
        columns=METADATA_COLUMNS,
    )
