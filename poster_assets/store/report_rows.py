"""The rows a batch report lays out: each poster with its title read, known metadata and what
was detected on it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from poster_assets.store.database import PosterDatabase


def report_posters(db: PosterDatabase, batch_ids: Sequence[str], limit: int) -> pd.DataFrame:
    """The batches' first posters by batch and path, already known ones too (every batch's
    where `batch_ids` is empty): poster_id, batch_id, path, width, height, title_read,
    placement, confidence, title (from metadata), year, genres, faces, objects (labels)."""
    with db.read() as connection:
        connection.register("wanted", pd.DataFrame({"batch_id": list(batch_ids)}, dtype="string"))
        return connection.execute(
            """
            SELECT p.poster_id, p.batch_id, p.path, p.width, p.height,
                   coalesce(t.title_text, '') AS title_read,
                   concat_ws(' ', t.placement_v, t.placement_h) AS placement, t.confidence,
                   m.title, m.year, coalesce(m.genres, []::VARCHAR[]) AS genres,
                   (SELECT count(*) FROM faces f WHERE f.poster_id = p.poster_id) AS faces,
                   coalesce((SELECT list(label ORDER BY label) FROM objects o
                     WHERE o.poster_id = p.poster_id), []::VARCHAR[]) AS objects
            FROM posters p
            LEFT JOIN titles t USING (poster_id)
            LEFT JOIN metadata m USING (poster_id)
            WHERE $all OR p.batch_id IN (SELECT batch_id FROM wanted)
               OR p.poster_id IN (SELECT poster_id FROM poster_paths
                                  WHERE batch_id IN (SELECT batch_id FROM wanted))
            ORDER BY p.batch_id, p.path
            LIMIT $limit
            """,
            {"all": not batch_ids, "limit": limit},
        ).df()
