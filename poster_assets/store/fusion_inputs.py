"""What the fused encoder reads from a store: every poster's patch tokens with their
structure labels, and its text tokens."""

from __future__ import annotations

import pandas as pd

from poster_assets.store.database import PosterDatabase


def patch_token_rows(db: PosterDatabase) -> pd.DataFrame:
    with db.read() as connection:
        return connection.execute(
            "SELECT poster_id, grid, dimensions, tokens_f16, role_shares, "
            "depth_rank, face_cover, person_cover FROM patch_tokens ORDER BY poster_id"
        ).df()


def text_token_rows(db: PosterDatabase) -> pd.DataFrame:
    with db.read() as connection:
        return connection.execute(
            "SELECT poster_id, token_index, source, is_title, x0, y0, x1, y1, vector_f16 "
            "FROM text_tokens ORDER BY poster_id, token_index"
        ).df()
