"""The HNSW index file: upserts, neighbours against brute force, and refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from poster_assets.neighbours.index_file import (
    EmbeddingIndexFile,
    KeyCollisionError,
    index_path,
)


def _ids(count: int, salt: str = "") -> list[str]:
    return [hashlib.sha256(f"{salt}{i}".encode()).hexdigest() for i in range(count)]


def _clustered(count: int, seed: int) -> np.ndarray:
    """Vectors around 20 centres, as embeddings of similar posters are."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((20, 64)).astype(np.float32)
    return centres[rng.integers(0, 20, count)] + 0.3 * rng.standard_normal((count, 64)).astype(
        np.float32
    )


def _exact_top(vectors: np.ndarray, query: int, k: int) -> list[int]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = unit @ unit[query]
    scores[query] = -np.inf
    return list(np.argsort(-scores)[:k])


def test_neighbours_match_brute_force_and_leave_the_query_out(tmp_path: Path) -> None:
    ids, vectors = _ids(2000), _clustered(2000, seed=1)
    index = EmbeddingIndexFile(index_path(tmp_path, "model/x", "poster"))
    assert index.path.name == "model_x.poster.usearch"
    assert index.upsert(ids, vectors) == 2000
    recalls, opened = [], index.open()
    for query in range(0, 2000, 97):
        found = opened.nearest(vectors[query], 10, exclude=ids[query])
        assert len(found) == 10 and ids[query] not in {n.poster_id for n in found}
        assert [n.similarity for n in found] == sorted((n.similarity for n in found), reverse=True)
        exact = {ids[i] for i in _exact_top(vectors, query, 10)}
        recalls.append(len(exact & {n.poster_id for n in found}) / 10)
    assert np.mean(recalls) >= 0.95


def test_upserts_replace_vectors_and_grow_the_file_batch_by_batch(tmp_path: Path) -> None:
    index = EmbeddingIndexFile(tmp_path / "e.usearch")
    first, second = _ids(50, "a"), _ids(30, "b")
    vectors = _clustered(80, seed=2)
    assert index.upsert(first, vectors[:50]) == 50
    assert index.upsert(second, vectors[50:]) == 80
    replaced = -vectors[0]  # poster 0 re-embedded: its vector now points the other way
    assert index.upsert(first[:1], replaced[None, :]) == 80
    opened = EmbeddingIndexFile(tmp_path / "e.usearch").open()  # read back from the files
    assert len(opened) == 80
    assert opened.holds(first[0]) and opened.holds(second[-1])
    assert not opened.holds(_ids(1, "never")[0])
    best = opened.nearest(replaced, 1)[0]  # the new vector, not the old one, is indexed
    assert best.poster_id == first[0] and best.similarity > 0.99


def test_two_posters_sharing_a_key_are_refused_in_a_batch_or_across_batches(
    tmp_path: Path,
) -> None:
    shared, vectors = "ab" * 8, _clustered(2, seed=3)
    index = EmbeddingIndexFile(tmp_path / "e.usearch")
    with pytest.raises(KeyCollisionError):
        index.upsert([shared + "0" * 48, shared + "1" * 48], vectors)
    index.upsert([shared + "0" * 48], vectors[:1])
    with pytest.raises(KeyCollisionError):
        index.upsert([shared + "1" * 48], vectors[1:])
    assert len(index.open()) == 1
