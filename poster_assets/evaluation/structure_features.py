"""A small hand-made vector of each poster's extracted structure (faces, people, objects,
foreground share, title placement and size, text amount, depth modes), to test whether the
structure itself carries genre beyond ImageNet features."""

from __future__ import annotations

import numpy as np

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


def structure_vectors(db: PosterDatabase) -> dict[str, np.ndarray]:
    """file name -> structure vector (NULL placements count as 0)."""
    with db.read() as connection:
        rows = connection.execute(STRUCTURE_SQL).fetchall()
    return {
        row[0]: np.asarray([0.0 if value is None else float(value) for value in row[1:]])
        for row in rows
    }
