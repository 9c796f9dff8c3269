"""One HNSW index (usearch) of one kind of embedding, in one file: a top-10 among a million
1280-d vectors in milliseconds, where an exact scan in DuckDB takes seconds.

Keys are the first 16 hex digits of the poster id (64 bits of a SHA-256: two of a million
posters share one with odds of about 3 in 10^8; within a batch that is refused, across batches
the later poster's vector would take the key). Writers take a file
lock, change the index in memory and replace the file atomically, so readers, which map the
file read-only, always see a whole index."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock
from usearch.index import Index

from poster_assets.errors import PosterAssetsError

KEY_HEX_DIGITS = 16


class KeyCollisionError(PosterAssetsError, ValueError):
    """Two posters share their index key (the first 16 hex digits of their ids)."""


@dataclass(frozen=True)
class IndexSettings:
    """HNSW's graph and search breadth, and how vectors are stored. Measured on 1,000,000
    random 1280-d vectors (docs/measurements.md, "Similarity"): f16 storage halves memory
    against f32 at the same recall; `expansion_search` trades query time for recall."""

    connectivity: int = 16
    expansion_add: int = 128
    expansion_search: int = 256
    dtype: str = "f16"


def index_path(directory: Path, model: str, region: str) -> Path:
    """One file per embedding model and region (their vectors are not comparable)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{model}.{region}")
    return directory / f"{safe}.usearch"


def poster_key(poster_id: str) -> int:
    return int(poster_id[:KEY_HEX_DIGITS], 16)


def _new_index(dimensions: int, settings: IndexSettings) -> Index:
    return Index(
        ndim=dimensions,
        metric="cos",
        dtype=settings.dtype,
        connectivity=settings.connectivity,
        expansion_add=settings.expansion_add,
        expansion_search=settings.expansion_search,
    )


@dataclass(frozen=True)
class Neighbour:
    key_prefix: str  # the poster id's first 16 hex digits
    similarity: float


class EmbeddingIndexFile:
    """The index of one (model, region) pair's vectors."""

    def __init__(self, path: Path, settings: IndexSettings = IndexSettings()) -> None:
        self.path = Path(path)
        self.settings = settings
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")))

    def exists(self) -> bool:
        return self.path.exists()

    def upsert(self, poster_ids: Sequence[str], vectors: np.ndarray) -> int:
        """Add the posters' vectors, replacing those already there; the index's new size."""
        keys = np.array([poster_key(poster_id) for poster_id in poster_ids], dtype=np.uint64)
        if len(set(keys.tolist())) != len(keys):
            raise KeyCollisionError("two posters of one batch share an index key")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            index = self._load_for_writing(vectors.shape[1])
            present = keys[index.contains(keys)] if len(index) else keys[:0]
            if len(present):
                index.remove(present)
            if len(keys):
                index.add(keys, np.asarray(vectors, dtype=np.float32), threads=0)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            index.save(str(partial))
            partial.replace(self.path)
            return len(index)

    def _load_for_writing(self, dimensions: int) -> Index:
        index = _new_index(dimensions, self.settings)
        if self.path.exists():
            index.load(str(self.path))
        return index

    def vector(self, poster_id: str) -> np.ndarray | None:
        """The poster's stored vector (as the index holds it), or None if it is not indexed."""
        index = Index.restore(str(self.path), view=True)
        key = poster_key(poster_id)
        return np.asarray(index.get(key), dtype=np.float32) if key in index else None

    def nearest(self, vector: np.ndarray, k: int, exclude: str | None = None) -> list[Neighbour]:
        """The `k` nearest vectors' keys by cosine similarity, best first (`exclude`, a poster
        id, is left out: a poster is not its own neighbour)."""
        index = Index.restore(str(self.path), view=True)
        index.expansion_search = max(self.settings.expansion_search, k + 1)
        matches = index.search(np.asarray(vector, dtype=np.float32), k + 1)
        skip = poster_key(exclude) if exclude else None
        found = [
            Neighbour(f"{int(key):0{KEY_HEX_DIGITS}x}", 1.0 - float(distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
            if int(key) != skip
        ]
        return found[:k]

    def __len__(self) -> int:
        return len(Index.restore(str(self.path), view=True)) if self.path.exists() else 0
