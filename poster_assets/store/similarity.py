"""Nearest posters by cosine similarity of their embeddings, computed inside DuckDB.

A brute-force scan with `list_cosine_similarity`: measured at about 0.2 s for 100,000
1280-d vectors on 2 cores (benchmarks/similarity_search.py), so no index is needed at that
size. DuckDB's `vss` extension (HNSW) would need a download from DuckDB's extension host,
which these machines cannot reach."""

from __future__ import annotations

import pandas as pd

from poster_assets.errors import PosterAssetsError
from poster_assets.store.database import PosterDatabase


class NoEmbeddingError(PosterAssetsError, LookupError):
    pass


def nearest_posters(
    db: PosterDatabase, poster_id: str, *, k: int = 10, region: str = "poster", model: str
) -> pd.DataFrame:
    """The `k` posters most similar to `poster_id` (itself excluded), best first, with
    similarity, path and known title."""
    with db.read() as connection:
        found = connection.execute(
            "SELECT vector FROM embeddings WHERE poster_id = ? AND region = ? AND model = ?",
            [poster_id, region, model],
        ).fetchall()
        if not found:
            raise NoEmbeddingError(f"poster {poster_id} has no {region!r} embedding from {model!r}")
        return connection.execute(
            """
            WITH nearest AS (
                SELECT poster_id, list_cosine_similarity(vector, $query::FLOAT[]) AS similarity
                FROM embeddings
                WHERE region = $region AND model = $model AND poster_id <> $poster_id
                ORDER BY similarity DESC, poster_id
                LIMIT $k
            )
            SELECT n.poster_id, n.similarity, p.path, m.title
            FROM nearest n
            JOIN posters p USING (poster_id)
            LEFT JOIN metadata m USING (poster_id)
            ORDER BY n.similarity DESC, n.poster_id
            """,
            {"query": found[0][0], "region": region, "model": model, "poster_id": poster_id,
             "k": k},
        ).df()  # fmt: skip
