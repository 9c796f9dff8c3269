"""What the pretraining sets and curriculum labels read from the stage tables: poster ids,
fractional title and detection boxes, title layers, foreground shares, OCR text, and the
per-poster facts the curriculum labels are made of."""

from __future__ import annotations

import pandas as pd

from poster_assets.store.database import PosterDatabase
from poster_assets.store.whole_tables import read_only_query

CURRICULUM_FACTS_SQL = """
SELECT p.poster_id, p.path,
       t.placement_v, t.placement_h,
       coalesce(f.faces, 0) AS faces,
       h.mode_count,
       l.layer_index AS title_layer
FROM posters p
LEFT JOIN titles t ON t.poster_id = p.poster_id AND t.title_text <> ''
LEFT JOIN (SELECT poster_id, count(*) AS faces FROM faces GROUP BY poster_id) f
       ON f.poster_id = p.poster_id
LEFT JOIN depth_histograms h ON h.poster_id = p.poster_id
LEFT JOIN layers l ON l.poster_id = p.poster_id AND l.is_title_layer
ORDER BY p.poster_id
"""


def all_poster_ids(db: PosterDatabase) -> list[str]:
    ids = read_only_query(db, "SELECT poster_id FROM posters ORDER BY poster_id")
    return ids["poster_id"].tolist()


def all_posters(db: PosterDatabase) -> list[tuple[str, str, str, int, int]]:
    """(poster_id, path, batch_id, width, height) of every poster."""
    with db.read() as connection:
        return connection.execute(
            "SELECT poster_id, path, batch_id, width, height FROM posters ORDER BY poster_id"
        ).fetchall()


def curriculum_facts(db: PosterDatabase) -> pd.DataFrame:
    """Per poster: title placement, face count, depth modes, the title layer's index."""
    return read_only_query(db, CURRICULUM_FACTS_SQL)


def title_boxes(db: PosterDatabase) -> dict[str, tuple[float, float, float, float]]:
    """Each readable title's box as fractions of its poster."""
    rows = read_only_query(
        db,
        """
        SELECT t.poster_id, t.x0 / p.width AS x0, t.y0 / p.height AS y0,
               t.x1 / p.width AS x1, t.y1 / p.height AS y1
        FROM titles t JOIN posters p USING (poster_id)
        WHERE t.title_text <> '' AND t.x0 IS NOT NULL
        """,
    )
    return {row.poster_id: (row.x0, row.y0, row.x1, row.y1) for row in rows.itertuples()}


def title_layers(db: PosterDatabase) -> dict[str, int]:
    rows = read_only_query(db, "SELECT poster_id, layer_index FROM layers WHERE is_title_layer")
    return dict(rows.itertuples(index=False))


def salient_detections(
    db: PosterDatabase, min_object_score: float, min_object_area: float
) -> pd.DataFrame:
    """Faces, and objects at least that confident and large (share of the poster), with
    fractional boxes: poster_id, source, label, score, x0, y0, x1, y1."""
    return read_only_query(
        db,
        """
        SELECT f.poster_id, 'face' AS source, 'face' AS label, f.score,
               f.x0 / p.width AS x0, f.y0 / p.height AS y0,
               f.x1 / p.width AS x1, f.y1 / p.height AS y1
        FROM faces f JOIN posters p USING (poster_id)
        UNION ALL
        SELECT o.poster_id, 'object', o.label, o.score,
               o.x0 / p.width, o.y0 / p.height, o.x1 / p.width, o.y1 / p.height
        FROM objects o JOIN posters p USING (poster_id)
        WHERE o.score >= ? AND (o.x1 - o.x0) * (o.y1 - o.y0) >= ? * p.width * p.height
        """,
        [min_object_score, min_object_area],
    )


def foreground_shares(db: PosterDatabase) -> dict[str, float]:
    shares = read_only_query(db, "SELECT poster_id, share FROM foreground")
    return dict(shares.itertuples(index=False))


def poster_texts(db: PosterDatabase) -> pd.DataFrame:
    """Each poster with OCR lines: its lines in reading order and its title ('' if none)."""
    return read_only_query(
        db,
        """
        SELECT l.poster_id, string_agg(l.text, ' ' ORDER BY l.line_index) AS text,
               coalesce(any_value(t.title_text), '') AS title
        FROM ocr_lines l LEFT JOIN titles t USING (poster_id)
        GROUP BY l.poster_id ORDER BY l.poster_id
        """,
    )


def training_set_sizes(db: PosterDatabase, tables: list[str]) -> dict[str, int]:
    with db.read() as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in tables
        }
