"""Similarity search over synthetic embeddings: `poster-assets similar`'s DuckDB query on N
random 1280-d vectors, against a NumPy brute-force baseline (one matrix-vector product over
vectors already in memory) in the same run.

    python benchmarks/similarity_search.py [--n 100000] [--queries 20]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from poster_assets.models.embedder import EMBEDDING_DIMENSIONS, ImageEmbedder
from poster_assets.store.database import PosterDatabase
from poster_assets.store.similarity import nearest_posters
from poster_assets.timing import median_p90_ms


def _fill(db: PosterDatabase, vectors: np.ndarray) -> list[str]:
    ids = [f"{index:064x}" for index in range(len(vectors))]
    now = datetime.now(UTC)
    posters = pd.DataFrame(
        {
            "poster_id": ids, "batch_id": "bench", "path": [f"/synthetic/{i}.jpg" for i in ids],
            "width": 300, "height": 450, "format": "JPEG", "source_mode": "RGB",
            "frame_count": 1, "exif_transposed": False, "file_bytes": 0, "ingested_at": now,
        }
    )  # fmt: skip
    embeddings = pd.DataFrame(
        {
            "poster_id": ids, "batch_id": "bench", "model": ImageEmbedder.model_name,
            "region": "poster", "dimensions": vectors.shape[1], "vector": list(vectors),
        }
    )  # fmt: skip
    with db.write() as connection:
        connection.register("new_posters", posters)
        connection.execute("INSERT INTO posters SELECT * FROM new_posters")
        connection.register("new_embeddings", embeddings)
        connection.execute(
            "INSERT INTO embeddings SELECT poster_id, batch_id, model, region, dimensions, "
            "vector::FLOAT[] FROM new_embeddings"
        )
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.n, EMBEDDING_DIMENSIONS)).astype(np.float32)
    with tempfile.TemporaryDirectory() as scratch:
        db = PosterDatabase(Path(scratch) / "bench.duckdb", Path(scratch) / "bench.lock")
        started = time.perf_counter()
        ids = _fill(db, vectors)
        load_seconds = time.perf_counter() - started
        queries = rng.choice(len(ids), size=args.queries, replace=False)
        duckdb_seconds, numpy_seconds, agree = [], [], 0
        normalised = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        for query in queries:
            started = time.perf_counter()
            found = nearest_posters(db, ids[query], k=10, model=ImageEmbedder.model_name)
            duckdb_seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            scores = normalised @ normalised[query]
            scores[query] = -np.inf
            best = np.argpartition(-scores, 10)[:10]
            best = best[np.argsort(-scores[best])]
            numpy_seconds.append(time.perf_counter() - started)
            agree += [ids[index] for index in best] == found["poster_id"].tolist()
    print(
        json.dumps(
            {
                "vectors": args.n,
                "dimensions": EMBEDDING_DIMENSIONS,
                "load_seconds": round(load_seconds, 1),
                "duckdb_query": median_p90_ms(duckdb_seconds),
                "numpy_in_memory_baseline": median_p90_ms(numpy_seconds),
                "same_top10": f"{agree}/{len(queries)}",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
