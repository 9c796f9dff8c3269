"""Tables `trailer_files` (every trailer video seen) and `trailers` (the one matched to each
poster): what the trailer stages read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from poster_assets.corpus.trailers import TrailerFile
from poster_assets.store.database import PosterDatabase


@dataclass(frozen=True)
class TrailerReport:
    posters_with_trailer: int
    unpaired_videos: int
    changed_batches: tuple[str, ...]  # batches of posters whose trailer is new or changed


def register_trailer_files(db: PosterDatabase, files: Sequence[TrailerFile]) -> None:
    """Record videos (a path seen again with a new size, time or key is replaced; one seen
    unchanged is left as it is, so that the sensor's ticks write nothing new)."""
    if not files:
        return
    frame = pd.DataFrame(
        {
            "path": [found.entry.path for found in files],
            "match_key": [found.match_key for found in files],
            "size": [found.entry.size for found in files],
            "mtime_ns": [found.entry.mtime_ns for found in files],
            "source": [found.source for found in files],
            "registered_at": datetime.now(UTC),
        }
    ).drop_duplicates("path", keep="last")
    with db.write() as connection:
        connection.register("seen", frame)
        connection.execute(
            """
            INSERT OR REPLACE INTO trailer_files SELECT * FROM seen s WHERE NOT EXISTS (
                SELECT 1 FROM trailer_files f WHERE f.path = s.path AND f.size = s.size
                AND f.mtime_ns = s.mtime_ns AND f.match_key = s.match_key
                AND f.source = s.source)
            """
        )


# Three equality joins (a poster's file stem, its file name, its metadata id), so that each is
# a hash join: one join on an OR would compare every video with every path.
_MATCHES = """
    SELECT DISTINCT ON (poster_id) poster_id, path, size, mtime_ns FROM (
        SELECT pp.poster_id, t.path, t.size, t.mtime_ns, t.source <> 'folder' AS named
        FROM trailer_files t JOIN poster_paths pp ON t.match_key = parse_filename(pp.path, true)
        UNION ALL
        SELECT pp.poster_id, t.path, t.size, t.mtime_ns, t.source <> 'folder' AS named
        FROM trailer_files t JOIN poster_paths pp ON t.match_key = parse_filename(pp.path)
        UNION ALL
        SELECT m.poster_id, t.path, t.size, t.mtime_ns, t.source <> 'folder' AS named
        FROM trailer_files t JOIN metadata m ON t.match_key = m.source_id
    )
    ORDER BY poster_id, named DESC, path
"""


def match_trailers(db: PosterDatabase) -> TrailerReport:
    """Give every poster the trailer that matches it (a CSV's pairing before a same-stem
    video, then the first path); only posters whose trailer changed get a new `loaded_at`,
    which redoes their trailer stages."""
    with db.write() as connection:
        connection.execute(f"CREATE OR REPLACE TEMP TABLE matched AS {_MATCHES}")
        connection.execute(
            """
            CREATE OR REPLACE TEMP TABLE changed AS SELECT * FROM matched x WHERE NOT EXISTS (
                SELECT 1 FROM trailers t WHERE t.poster_id = x.poster_id AND t.path = x.path
                AND t.size = x.size AND t.mtime_ns = x.mtime_ns)
            """
        )
        connection.execute(
            "DELETE FROM trailers WHERE poster_id IN (SELECT poster_id FROM changed)"
        )
        connection.execute("INSERT INTO trailers SELECT *, now() FROM changed")
        batches = connection.execute(
            "SELECT DISTINCT p.batch_id FROM changed JOIN posters p USING (poster_id) ORDER BY 1"
        ).fetchall()
        counts = connection.execute(
            """
            SELECT (SELECT count(*) FROM trailers),
                   (SELECT count(*) FROM trailer_files f
                    WHERE f.path NOT IN (SELECT path FROM matched))
            """
        ).fetchone()
        connection.execute("DROP TABLE changed")
        connection.execute("DROP TABLE matched")
    return TrailerReport(int(counts[0]), int(counts[1]), tuple(batch for (batch,) in batches))
