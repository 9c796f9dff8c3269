"""The `metadata` table: labels and known titles joined onto posters by file name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from poster_assets.store.database import PosterDatabase


@dataclass(frozen=True)
class MetadataReport:
    rows: int
    posters_matched: int
    rows_unmatched: int
    duplicate_rows: int  # rows whose poster another row already described
    changed_batches: tuple[str, ...] = ()  # batches of the posters whose metadata changed


def store_metadata(db: PosterDatabase, metadata: pd.DataFrame, source_file: str) -> MetadataReport:
    """Match rows of `corpus.metadata.read_metadata_csv` to every known path of every poster
    (by base name, or by base name without extension for ids) and replace those posters'
    metadata where it changed, in one transaction. The first row for a poster wins."""
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
        changed_batches = _replace_changed_rows(connection, rows) if len(rows) else ()
    return MetadataReport(
        rows=len(metadata),
        posters_matched=len(rows),
        rows_unmatched=len(metadata) - int(matched_rows),
        duplicate_rows=int(matched_rows) - len(rows),
        changed_batches=changed_batches,
    )


def _replace_changed_rows(
    connection: duckdb.DuckDBPyConnection, rows: pd.DataFrame
) -> tuple[str, ...]:
    """Only rows whose content differs are replaced: `loaded_at` says when a poster's
    metadata last changed, and stages that read it redo the posters it changed for. Returns
    the batches of those posters. `rows` must not be empty (it would have no column types)."""
    connection.register("matched", rows)
    connection.execute(
        """
        CREATE TEMP TABLE changed AS SELECT * FROM matched x WHERE NOT EXISTS (
            SELECT 1 FROM metadata m WHERE m.poster_id = x.poster_id
            AND m.source_id IS NOT DISTINCT FROM x.source_id
            AND m.title IS NOT DISTINCT FROM x.title
            AND m.year IS NOT DISTINCT FROM x.year
            AND m.genres IS NOT DISTINCT FROM x.genres)
        """
    )
    connection.execute("DELETE FROM metadata WHERE poster_id IN (SELECT poster_id FROM changed)")
    connection.execute("INSERT INTO metadata SELECT * FROM changed")
    batches = connection.execute(
        "SELECT DISTINCT p.batch_id FROM changed JOIN posters p USING (poster_id) ORDER BY 1"
    ).fetchall()
    connection.execute("DROP TABLE changed")
    return tuple(batch for (batch,) in batches)
