"""What the evaluations read from a store: stored structure joined to labelled corpora by file
name, vectors with genres, and per-poster summaries."""

from __future__ import annotations

import pandas as pd

from poster_assets.store.database import PosterDatabase

OBJECT_LABELS = ("person", "car", "dog", "horse", "tie", "tv", "umbrella", "cat")
STRUCTURE_SQL = f"""
WITH face_stats AS (
    SELECT poster_id, count(*) AS faces,
           max((x1 - x0) * (y1 - y0)) AS largest_face_area
    FROM faces GROUP BY poster_id
), object_stats AS (
    SELECT poster_id,
           {
    ", ".join(f"count(*) FILTER (WHERE label = '{label}') AS n_{label}" for label in OBJECT_LABELS)
}
    FROM objects GROUP BY poster_id
), text_stats AS (
    SELECT poster_id, count(*) AS lines, sum(glyph_height) AS glyph_sum FROM ocr_lines
    GROUP BY poster_id
)
SELECT parse_filename(pp.path) AS file_name,
       coalesce(f.faces, 0), coalesce(f.largest_face_area, 0) / (p.width * p.height),
       {", ".join(f"coalesce(o.n_{label}, 0)" for label in OBJECT_LABELS)},
       coalesce(fg.share, 0),
       coalesce(t.title_text <> '', false)::INTEGER,
       (t.placement_v = 'top')::INTEGER, (t.placement_v = 'middle')::INTEGER,
       (t.placement_v = 'bottom')::INTEGER,
       (t.placement_h = 'left')::INTEGER, (t.placement_h = 'right')::INTEGER,
       coalesce((t.y1 - t.y0) / p.height, 0),
       coalesce(ts.lines, 0), coalesce(ts.glyph_sum / p.height, 0),
       coalesce(h.mode_count, 0), coalesce(d.mean, 0.5)
FROM poster_paths pp
JOIN posters p USING (poster_id)
LEFT JOIN face_stats f USING (poster_id)
LEFT JOIN object_stats o USING (poster_id)
LEFT JOIN foreground fg USING (poster_id)
LEFT JOIN titles t USING (poster_id)
LEFT JOIN text_stats ts USING (poster_id)
LEFT JOIN depth_histograms h USING (poster_id)
LEFT JOIN depth_maps d USING (poster_id)
"""


def structure_rows(db: PosterDatabase) -> list[tuple]:
    """(file name, the structure features in STRUCTURE_SQL's order) per poster path."""
    with db.read() as connection:
        return connection.execute(STRUCTURE_SQL).fetchall()


def poster_files(db: PosterDatabase) -> list[tuple[str, str, str]]:
    """(poster_id, file name, path) of every path a poster was seen under."""
    with db.read() as connection:
        return connection.execute(
            "SELECT poster_id, parse_filename(path), path FROM poster_paths"
        ).fetchall()


def poster_sizes(db: PosterDatabase) -> dict[str, tuple[int, int]]:
    """(width, height) of every poster."""
    with db.read() as connection:
        rows = connection.execute("SELECT poster_id, width, height FROM posters").fetchall()
    return {poster_id: (width, height) for poster_id, width, height in rows}


def region_vectors(db: PosterDatabase, model: str) -> list[tuple[str, str, list[float]]]:
    """(region, file name, vector) of a model's embeddings, per poster path."""
    with db.read() as connection:
        return connection.execute(
            """
            SELECT e.region, parse_filename(pp.path) AS file_name, e.vector
            FROM embeddings e JOIN poster_paths pp USING (poster_id)
            WHERE e.model = ?
            """,
            [model],
        ).fetchall()


def vectors_with_genres(db: PosterDatabase, model: str, region: str) -> list[tuple]:
    """(vector, genres, split key) of posters with both, in poster order."""
    with db.read() as connection:
        return connection.execute(
            """
            SELECT e.vector, m.genres, coalesce(m.source_id, e.poster_id) AS split_key
            FROM embeddings e JOIN metadata m USING (poster_id)
            WHERE e.model = ? AND e.region = ? AND len(m.genres) > 0
            ORDER BY e.poster_id
            """,
            [model, region],
        ).fetchall()


def title_layer_shares(db: PosterDatabase) -> list[float]:
    """Per titled poster with layers: the largest share of its title's glyph pixels in one
    layer."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT max(title_share) FROM layers WHERE title_share IS NOT NULL GROUP BY poster_id"
        ).fetchall()
    return [share for (share,) in rows]


def mode_counts(db: PosterDatabase) -> list[int]:
    with db.read() as connection:
        return [count for (count,) in connection.execute(
            "SELECT mode_count FROM depth_histograms"
        ).fetchall()]  # fmt: skip


def layers_of_file(db: PosterDatabase, file_name: str) -> list[tuple[bytes, bool, str, int]]:
    """(mask_png, is_title_layer, role, layer_count) of the poster with that file name, near
    to far."""
    with db.read() as connection:
        return connection.execute(
            """
            SELECT l.mask_png, l.is_title_layer, l.role, l.layer_count FROM layers l
            JOIN (SELECT DISTINCT poster_id FROM poster_paths
                  WHERE regexp_extract(path, '[^/]+$') = ?) p USING (poster_id)
            ORDER BY l.layer_index
            """,
            [file_name],
        ).fetchall()


def title_text_of_file(db: PosterDatabase, file_name: str) -> bytes | None:
    """The title's glyph mask (1-bit PNG at the poster's size) of the poster with that file
    name, or None without a title."""
    with db.read() as connection:
        found = connection.execute(
            """
            SELECT t.mask_png FROM title_text t
            JOIN (SELECT DISTINCT poster_id FROM poster_paths
                  WHERE regexp_extract(path, '[^/]+$') = ?) p USING (poster_id)
            """,
            [file_name],
        ).fetchall()
    return found[0][0] if found else None


def titles_of_labelled(
    db: PosterDatabase, labels: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled posters (imdb_id, file_name, title, is_test) joined by file name to their
    poster, size and stored title; and every stored OCR line."""
    with db.read() as connection:
        connection.register("labels", labels[["imdb_id", "file_name", "title", "is_test"]])
        joined = connection.execute(
            """
            SELECT l.imdb_id, l.title, l.is_test, p.poster_id, s.width, s.height,
                   coalesce(t.title_text, '') AS title_text
            FROM labels l
            LEFT JOIN (SELECT DISTINCT poster_id, regexp_extract(path, '[^/]+$') AS file_name
                       FROM poster_paths) p USING (file_name)
            LEFT JOIN posters s USING (poster_id)
            LEFT JOIN titles t USING (poster_id)
            ORDER BY l.imdb_id
            """
        ).df()
        lines = connection.execute(
            "SELECT * FROM ocr_lines WHERE poster_id IN (SELECT poster_id FROM posters)"
        ).df()
    return joined, lines
