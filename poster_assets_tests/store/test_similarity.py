"""Nearest posters by cosine similarity, computed in DuckDB, on vectors with a known order."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from poster_assets.home import PosterHome
from poster_assets.store.opening import open_database
from poster_assets.store.similarity import NoEmbeddingError, nearest_posters

MODEL = "test-model"


def _store(home: PosterHome, vectors: dict[str, list[float]], region: str = "poster") -> None:
    now = datetime.now(UTC)
    posters = pd.DataFrame(
        [
            {"poster_id": poster_id, "batch_id": "b", "path": f"/x/{poster_id}.jpg",
             "width": 10, "height": 10, "format": "PNG", "source_mode": "RGB",
             "frame_count": 1, "exif_transposed": False, "file_bytes": 1, "ingested_at": now}
            for poster_id in vectors
        ]
    )  # fmt: skip
    rows = pd.DataFrame(
        [
            {"poster_id": poster_id, "batch_id": "b", "model": MODEL, "region": region,
             "dimensions": len(vector), "vector": vector}
            for poster_id, vector in vectors.items()
        ]
    )  # fmt: skip
    with open_database(home).write() as connection:
        connection.register("p", posters)
        connection.execute("INSERT OR IGNORE INTO posters SELECT * FROM p")
        connection.register("e", rows)
        connection.execute("INSERT INTO embeddings SELECT * FROM e")


def test_neighbours_come_back_in_cosine_order_without_the_query(home: PosterHome) -> None:
    angles = {"q": 0.0, "a": 0.1, "b": 0.5, "c": 1.2, "d": 3.0}
    _store(home, {key: [float(np.cos(t)), float(np.sin(t)), 0.0] for key, t in angles.items()})
    _store(home, {"a": [0.0, 0.0, 1.0], "q": [1.0, 0.0, 0.0]}, region="foreground")
    found = nearest_posters(open_database(home), "q", k=3, model=MODEL)
    assert found["poster_id"].tolist() == ["a", "b", "c"]
    assert found["similarity"].iloc[0] == pytest.approx(np.cos(0.1), abs=1e-5)
    assert found["path"].iloc[0] == "/x/a.jpg"
    in_foreground = nearest_posters(open_database(home), "q", region="foreground", model=MODEL)
    assert in_foreground["poster_id"].tolist() == ["a"]
    assert in_foreground["similarity"].iloc[0] == pytest.approx(0.0, abs=1e-6)


def test_a_poster_without_that_embedding_is_a_clear_error(home: PosterHome) -> None:
    _store(home, {"q": [1.0, 0.0]})
    with pytest.raises(NoEmbeddingError, match="no 'foreground' embedding"):
        nearest_posters(open_database(home), "q", region="foreground", model=MODEL)
