"""Vectors a trained model computes from stored tokens (not from pixels), written straight
into the shared `embeddings` table under the model's name."""

from __future__ import annotations

import numpy as np
import pandas as pd

from poster_assets.store.database import PosterDatabase


def replace_model_vectors(
    db: PosterDatabase, model: str, poster_ids: list[str], vectors: np.ndarray
) -> None:
    """The posters' `poster` vectors of `model`, replacing what the model stored for them."""
    with db.read() as connection:
        batches = dict(
            connection.execute(
                "SELECT poster_id, batch_id FROM posters WHERE list_contains(?, poster_id)",
                [poster_ids],
            ).fetchall()
        )
    rows = pd.DataFrame(
        {
            "poster_id": poster_ids,
            "batch_id": [batches[poster_id] for poster_id in poster_ids],
            "model": model,
            "region": "poster",
            "dimensions": vectors.shape[1],
            "vector": [vector.astype(np.float32).tolist() for vector in vectors],
        }
    )
    with db.write() as connection:
        connection.execute(
            "DELETE FROM embeddings WHERE model = ? AND list_contains(?, poster_id)",
            [model, poster_ids],
        )
        connection.register("new_vectors", rows)
        connection.execute(
            "INSERT INTO embeddings (poster_id, batch_id, model, region, dimensions, vector) "
            "SELECT poster_id, batch_id, model, region, dimensions, vector FROM new_vectors"
        )
        connection.unregister("new_vectors")


def posters_without_vectors(db: PosterDatabase, model: str, batch_id: str) -> list[str]:
    """The batch's posters with patch tokens but no `poster` vector of `model` yet."""
    with db.read() as connection:
        return [
            row[0]
            for row in connection.execute(
                "SELECT t.poster_id FROM patch_tokens t WHERE t.batch_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM embeddings e WHERE e.poster_id = t.poster_id AND e.model = ? "
                "AND e.region = 'poster') ORDER BY t.poster_id",
                [batch_id, model],
            ).fetchall()
        ]
