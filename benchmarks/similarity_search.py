"""`poster-assets similar` at scale: N vectors in a store (with a title per poster) and in the
embedding index; the opened index's top-10 for several shares of its lists scanned, and the
top-10 from a fresh open of the index (a 12-digit id prefix resolved, the query's vector
read, the search), and the whole `similar_posters` path as a `similar` process runs it (that,
then the matches described from a freshly opened store), each against an exact NumPy scan in
the same run (recall@10); DuckDB's exact scan.

Two kinds of vectors. `gaussian`: i.i.d. normal, the worst case for any index (every pair is
nearly orthogonal, the 10th and 1000th neighbours differ by noise). `poster_like`: drawn
from a Gaussian with the mean and the top-128 principal components of real posters'
EfficientNet-Lite3 embeddings (`--posters DIR`), plus isotropic noise carrying the rest of
their variance: the spectrum `similar` meets in practice.

    python benchmarks/similarity_search.py --n 1000000 --kind poster_like \
        --posters ../shared/data/posters/images [--queries 50] [--exact-queries 3] \
        [--probed-share 0.03125 0.0625 0.125] [--work DIR]

`--work DIR` keeps the store and the index: a rerun with the same --n and --kind times
queries without building them again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from poster_assets.corpus.discovery import list_image_files
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.embedder import EMBEDDING_DIMENSIONS, ImageEmbedder, load_image_embedder
from poster_assets.neighbours.index_file import EmbeddingIndexFile, IndexSettings, index_path
from poster_assets.store.database import DuckDBFileDatabase, PosterDatabase
from poster_assets.store.similarity import nearest_posters, similar_posters
from poster_assets.timing import median_p90_ms

MODEL = ImageEmbedder.model_name
COMPONENTS = 128


def _poster_like(count: int, posters: Path, rng: np.random.Generator) -> np.ndarray:
    embedder = load_image_embedder()
    files = list_image_files(posters).files[:600]
    real = np.stack(
        [
            embedder.feature_map(decode_image(read_image_bytes(path.path)).rgb).mean(axis=(0, 1))
            for path in files
        ]
    )
    mean = real.mean(axis=0)
    _, singular, components = np.linalg.svd(real - mean, full_matrices=False)
    variances = singular**2 / (len(real) - 1)
    rest = variances[COMPONENTS:].sum() / EMBEDDING_DIMENSIONS
    out = np.empty((count, EMBEDDING_DIMENSIONS), np.float32)
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        scores = rng.standard_normal((size, COMPONENTS)) * np.sqrt(variances[:COMPONENTS])
        noise = rng.standard_normal((size, EMBEDDING_DIMENSIONS)) * np.sqrt(rest)
        out[start : start + size] = mean + scores @ components[:COMPONENTS] + noise
    return out


def _fill(db: PosterDatabase, ids: list[str], vectors: np.ndarray) -> None:
    now = datetime.now(UTC)
    for start in range(0, len(ids), 100_000):
        chunk = ids[start : start + 100_000]
        posters = pd.DataFrame(
            {
                "poster_id": chunk, "batch_id": "bench", "path": [f"/s/{i}.jpg" for i in chunk],
                "width": 300, "height": 450, "format": "JPEG", "source_mode": "RGB",
                "frame_count": 1, "exif_transposed": False, "file_bytes": 0, "ingested_at": now,
            }
        )  # fmt: skip
        titles = pd.DataFrame(
            {
                "poster_id": chunk, "batch_id": "bench", "title_text": [f"T{i[:6]}" for i in chunk],
                "confidence": 0.9, "line_indices": [[0]] * len(chunk), "reason": "chosen",
            }
        )  # fmt: skip
        embeddings = pd.DataFrame(
            {
                "poster_id": chunk, "batch_id": "bench", "model": MODEL, "region": "poster",
                "dimensions": vectors.shape[1], "vector": list(vectors[start : start + len(chunk)]),
            }
        )  # fmt: skip
        with db.write() as connection:
            connection.register("new_posters", posters)
            connection.execute("INSERT INTO posters SELECT * FROM new_posters")
            connection.register("new_titles", titles)
            connection.execute(
                "INSERT INTO titles (poster_id, batch_id, title_text, confidence, line_indices, "
                "reason) SELECT * FROM new_titles"
            )
            connection.register("new_embeddings", embeddings)
            connection.execute(
                "INSERT INTO embeddings SELECT poster_id, batch_id, model, region, dimensions, "
                "vector::FLOAT[] FROM new_embeddings"
            )


def _exact_top10(unit: np.ndarray, query: int) -> list[int]:
    scores = unit @ unit[query]
    scores[query] = -np.inf
    best = np.argpartition(-scores, 10)[:10]
    return list(best[np.argsort(-scores[best])])


def _build(
    db: PosterDatabase, index: EmbeddingIndexFile, ids: list[str], vectors: np.ndarray
) -> dict[str, float]:
    """Fill the store and the index, unless a previous run with the same vectors left them
    (a million vectors take ~5 min to load into the store on two cores)."""
    if index.exists():
        return {"built_in_an_earlier_run": True}
    started = time.perf_counter()
    _fill(db, ids, vectors)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index.upsert(ids, vectors)
    return {
        "store_load_seconds": round(load_seconds, 1),
        "index_build_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb_incl_the_benchmarks_vectors": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--kind", choices=("gaussian", "poster_like"), default="poster_like")
    parser.add_argument("--posters", type=Path, help="real posters, for --kind poster_like")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--exact-queries", type=int, default=3, help="DuckDB exact scans")
    parser.add_argument(
        "--probed-share", type=float, nargs="+", default=[IndexSettings.probed_share],
        help="shares of the index's lists a query scans, to time on the opened index",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, help="keep the store and index here, for reruns")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    if args.kind == "poster_like":
        if args.posters is None:
            parser.error("--kind poster_like needs --posters DIR")
        vectors = _poster_like(args.n, args.posters, rng)
    else:
        vectors = rng.standard_normal((args.n, EMBEDDING_DIMENSIONS), dtype=np.float32)
    ids = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(args.n)]
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        db = DuckDBFileDatabase(work / "bench.duckdb", work / "bench.lock")
        index_dir = work / "indexes"
        path = index_path(index_dir, MODEL, "poster")
        built = _build(db, EmbeddingIndexFile(path), ids, vectors)
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        queries = rng.choice(args.n, size=args.queries, replace=False)
        exact = [{ids[i] for i in _exact_top10(unit, query)} for query in queries]
        started = time.perf_counter()
        for query in queries[:10]:
            _exact_top10(unit, query)
        numpy_ms = (time.perf_counter() - started) / 10 * 1000
        opened_index = {}
        for share in args.probed_share:
            settings = IndexSettings(probed_share=share, min_probes=1)  # the share alone
            opened = EmbeddingIndexFile(path, settings).open()
            seconds, recalls = [], []
            for query, truth in zip(queries, exact, strict=True):
                started = time.perf_counter()
                found = opened.nearest(vectors[query], 10, exclude=ids[query])
                seconds.append(time.perf_counter() - started)
                recalls.append(len(truth & {n.poster_id for n in found}) / 10)
            opened_index[f"{opened.probes} of {opened.lists} lists"] = {
                **median_p90_ms(seconds), "recall_at_10": round(float(np.mean(recalls)), 3)
            }  # fmt: skip
        default_probes = EmbeddingIndexFile(path).open().probes
        fresh, fresh_recalls = [], []
        for query, truth in zip(queries, exact, strict=True):
            started = time.perf_counter()
            opened = EmbeddingIndexFile(path).open()  # as a fresh process finds the file
            poster_id = opened.resolve(ids[query][:12])
            found = opened.nearest(opened.vector(poster_id), 10, exclude=poster_id)
            fresh.append(time.perf_counter() - started)
            fresh_recalls.append(len(truth & {n.poster_id for n in found}) / 10)
            del opened
        whole, recalls = [], []
        for query, truth in zip(queries, exact, strict=True):
            started = time.perf_counter()
            found, method = similar_posters(db, index_dir, ids[query][:12], k=10, model=MODEL)
            whole.append(time.perf_counter() - started)
            assert method == "index", method
            recalls.append(len(truth & set(found["poster_id"])) / 10)
        duckdb_seconds = []
        for query in queries[: args.exact_queries]:
            started = time.perf_counter()
            nearest_posters(db, ids[query], k=10, model=MODEL)
            duckdb_seconds.append(time.perf_counter() - started)
        print(
            json.dumps(
                {
                    "vectors": args.n,
                    "kind": args.kind,
                    "dimensions": EMBEDDING_DIMENSIONS,
                    "index_settings": vars(IndexSettings()),
                    **built,
                    "index_file_mb": round(path.stat().st_size / 2**20),
                    "opened_index_top10_by_lists_scanned": opened_index,
                    "default_lists_scanned": default_probes,
                    "top10_from_a_fresh_open_of_the_index": {
                        **median_p90_ms(fresh),
                        "recall_at_10": round(float(np.mean(fresh_recalls)), 3),
                    },
                    "whole_similar_path_fresh_open_default_settings": {
                        **median_p90_ms(whole),
                        "recall_at_10": round(float(np.mean(recalls)), 3),
                    },
                    "numpy_exact_in_memory_ms": round(numpy_ms, 1),
                    "duckdb_exact_scan": median_p90_ms(duckdb_seconds),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
