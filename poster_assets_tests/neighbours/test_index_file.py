"""The embedding index file: upserts, regrouping as it grows, neighbours against brute force,
and refusals."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from poster_assets.neighbours.index_file import (
    EmbeddingIndexFile,
    IndexSettings,
    KeyCollisionError,
    index_path,
    list_count,
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
    assert index.path.name == "model_x.poster.faiss"
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
    index = EmbeddingIndexFile(tmp_path / "e.faiss")
    first, second = _ids(50, "a"), _ids(30, "b")
    vectors = _clustered(80, seed=2)
    assert index.upsert(first, vectors[:50]) == 50
    assert index.upsert(second, vectors[50:]) == 80
    replaced = -vectors[0]  # poster 0 re-embedded: its vector now points the other way
    assert index.upsert(first[:1], replaced[None, :]) == 80
    opened = EmbeddingIndexFile(tmp_path / "e.faiss").open()  # read back from the files
    assert len(opened) == 80
    assert opened.resolve(first[0]) == first[0] and opened.resolve(second[-1]) == second[-1]
    assert opened.resolve(_ids(1, "never")[0]) is None
    best = opened.nearest(replaced, 1)[0]  # the new vector, not the old one, is indexed
    assert best.poster_id == first[0] and best.similarity > 0.99


def test_two_posters_sharing_a_key_are_refused_in_a_batch_or_across_batches(
    tmp_path: Path,
) -> None:
    shared, vectors = "ab" * 8, _clustered(2, seed=3)
    index = EmbeddingIndexFile(tmp_path / "e.faiss")
    with pytest.raises(KeyCollisionError):
        index.upsert([shared + "0" * 48, shared + "1" * 48], vectors)
    index.upsert([shared + "0" * 48], vectors[:1])
    with pytest.raises(KeyCollisionError):
        index.upsert([shared + "1" * 48], vectors[1:])
    assert len(index.open()) == 1


def test_list_count_grows_with_the_corpus_and_leaves_enough_vectors_to_train_each_list() -> None:
    settings = IndexSettings()
    assert list_count(9_999, settings) == 1  # small: one list, every query exact
    assert list_count(10_000, settings) == 128  # 4 sqrt(n) is 400; 40 vectors a list caps it
    assert list_count(100_000, settings) == 1024
    assert list_count(1_000_000, settings) == 4096  # as measured at a million


def test_an_index_outgrows_one_list_and_is_rebuilt_with_many(tmp_path: Path) -> None:
    settings = IndexSettings(exhaustive_below=1_000, min_probes=1)
    ids, vectors = _ids(4000), _clustered(4000, seed=4)
    index = EmbeddingIndexFile(tmp_path / "e.faiss", settings)
    assert index.outgrown_by(600)  # no index yet
    assert index.upsert(ids[:600], vectors[:600]) == 600
    assert index.open().lists == 1
    assert not index.outgrown_by(300) and index.outgrown_by(3400)
    assert index.rebuild(ids, vectors) == 4000  # now 64 lists, 4 scanned a query
    opened = EmbeddingIndexFile(tmp_path / "e.faiss", settings).open()
    assert opened.lists == list_count(4000, settings) == 64 and opened.probes == 4
    assert EmbeddingIndexFile(tmp_path / "e.faiss").open().probes == 64  # at least 256: all
    recalls = []
    for query in range(0, 4000, 97):
        stored = opened.vector(ids[query])  # the query's vector from the index, not a store
        unit = vectors[query] / np.linalg.norm(vectors[query])
        assert np.allclose(stored, unit, atol=0.01)  # 8-bit codes of its offset from a centre
        found = opened.nearest(stored, 10, exclude=ids[query])
        exact = {ids[i] for i in _exact_top(vectors, query, 10)}
        recalls.append(len(exact & {n.poster_id for n in found}) / 10)
    assert np.mean(recalls) >= 0.95


def test_a_unique_prefix_resolves_among_the_indexed_posters(tmp_path: Path) -> None:
    ids = ["ab12" + "0" * 60, "ab13" + "0" * 60, "cd" + "1" * 62]
    index = EmbeddingIndexFile(tmp_path / "e.faiss")
    index.upsert(ids, _clustered(3, seed=5))
    opened = index.open()
    assert opened.resolve("AB12") == ids[0]  # case does not matter
    assert opened.resolve("cd") == ids[2] and opened.resolve(ids[2]) == ids[2]
    assert opened.resolve("ab1") is None  # two posters: the store says which
    assert opened.resolve("cd" + "1" * 20 + "2") is None  # past the key, the id differs
    assert (
        opened.resolve("ef") is None and opened.resolve("zz") is None and opened.resolve("") is None
    )


def test_update_rebuilds_from_every_vector_under_the_lock_and_otherwise_adds(
    tmp_path: Path,
) -> None:
    """A rebuild reads every vector while holding the index's lock: a batch another writer
    adds meanwhile waits and lands in the rebuilt index, not under it."""
    ids, vectors = _ids(60), _clustered(60, seed=6)
    path = tmp_path / "e.faiss"
    inside, calls = threading.Event(), []

    def every() -> tuple[list[str], np.ndarray]:
        calls.append("every")
        inside.set()
        time.sleep(0.5)  # a slow read of the store
        return ids[:40], vectors[:40]

    rebuilding = threading.Thread(
        target=lambda: EmbeddingIndexFile(path).update(ids[:10], vectors[:10], every)
    )
    rebuilding.start()
    assert inside.wait(10)
    EmbeddingIndexFile(path).upsert(ids[40:50], vectors[40:50])  # another writer's batch
    rebuilding.join()
    opened = EmbeddingIndexFile(path).open()
    assert len(opened) == 50 and opened.resolve(ids[45]) == ids[45]
    size, rebuilt = EmbeddingIndexFile(path).update(ids[50:], vectors[50:], every)
    assert (size, rebuilt) == (60, False) and calls == ["every"]  # added: every was not read
