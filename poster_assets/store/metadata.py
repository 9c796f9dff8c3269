"""The `metadata` table: labels and known titles joined onto posters by file name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from poster_assets.store.database import PosterDatabase


@dataclass(frozen=True)
class MetadataReport:
    rows: int
    posters_matched: int
    rows_unmatched: int
    duplicate_rows: int  # rows whose poster another row already described


def store_metadata(db: PosterDatabase, metadata: pd.DataFrame, source_file: str) -> MetadataReport:
    """Match rows of `corpus.metadata.read_metadata_csv` to every known path of every poster
    (by base name, or by base name without extension for ids) and replace those posters'
    metadata in one transaction. The first row for a poster wins."""
    with db.write() as connection:
        connection.register("incoming", metadata.reset_index(names="row_number"))
        matched = connection.execute(
            """
            SELECT DISTINCT ON (pp.poster_id)
                   pp.poster_id, i.source_id, i.title, i.year::INTEGER AS year,
                   i.genres::VARCHAR[] AS genres, i.row_number
            FROM incoming i
            JOIN poster_paths pp
              ON i.match_key = parse_filename(pp.path)
              OR i.match_key = parse_filename(pp.path, true)
            ORDER BY pp.poster_id, i.row_number
            """
        ).df()
        matched_rows = connection.execute(
            """
            SELECT count(DISTINCT i.row_number) FROM incoming i JOIN poster_paths pp
              ON i.match_key = parse_filename(pp.path)
              OR i.match_key = parse_filename(pp.path, true)
            """
        ).fetchall()[0][0]
        rows = matched.drop(columns="row_number").assign(
            source_file=source_file, loaded_at=datetime.now(UTC)
        )
        connection.register("matched", rows)
        connection.execute(
            "DELETE FROM metadata WHERE poster_id IN (SELECT poster_id FROM matched)"
        )
        connection.execute("INSERT INTO metadata SELECT * FROM matched")
    return MetadataReport(
        rows=len(metadata),
        posters_matched=len(rows),
        rows_unmatched=len(metadata) - int(matched_rows),
        duplicate_rows=int(matched_rows) - len(rows),
    )
