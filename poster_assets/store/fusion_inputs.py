"""What the fused encoder reads from a store: every poster's patch tokens with their
structure labels, its text tokens and its trailer's frame tokens."""

from __future__ import annotations

import pandas as pd

from poster_assets.store.database import PosterDatabase


def _only(poster_ids: list[str] | None) -> tuple[str, list]:
    """A WHERE clause (and its parameter) keeping `poster_ids`; none: every poster."""
    return ("", []) if poster_ids is None else ("WHERE list_contains(?, poster_id)", [poster_ids])


def patch_token_rows(db: PosterDatabase, poster_ids: list[str] | None = None) -> pd.DataFrame:
    where, parameters = _only(poster_ids)
    with db.read() as connection:
        return connection.execute(
            "SELECT poster_id, grid, dimensions, tokens_f16, role_shares, depth_rank, "
            f"face_cover, person_cover FROM patch_tokens {where} ORDER BY poster_id",
            parameters,
        ).df()


def text_token_rows(db: PosterDatabase, poster_ids: list[str] | None = None) -> pd.DataFrame:
    where, parameters = _only(poster_ids)
    with db.read() as connection:
        return connection.execute(
            "SELECT poster_id, token_index, source, text, is_title, x0, y0, x1, y1, vector_f16 "
            f"FROM text_tokens {where} ORDER BY poster_id, token_index",
            parameters,
        ).df()


def frame_token_rows(db: PosterDatabase, poster_ids: list[str] | None = None) -> pd.DataFrame:
    """Each trailer frame with its time as a share of the trailer's length (its shots)."""
    where, parameters = _only(poster_ids)
    with db.read() as connection:
        return connection.execute(
            "SELECT f.poster_id, f.shot_index, f.time_s / greatest(s.length_s, 1e-6) AS time, "
            "f.vector_f16 FROM (SELECT * FROM trailer_frames "
            f"{where}) f JOIN (SELECT poster_id, max(end_s) AS length_s FROM trailer_shots "
            "GROUP BY poster_id) s USING (poster_id) ORDER BY f.poster_id, f.shot_index",
            parameters,
        ).df()
