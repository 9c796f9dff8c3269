"""One HNSW index (usearch) of one kind of embedding, in one file: a top-10 among a million
1280-d vectors in milliseconds, where an exact scan in DuckDB takes seconds.

Keys are the first 16 hex digits of the poster id (64 bits of a SHA-256: two of a million
posters share one with odds of about 3 in 10^8, and that is refused, never merged); a table of
poster ids sorted by key names the matches. Writers take a file lock, change the index in
memory and replace the files atomically, so readers, which map them read-only, see whole
files."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
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

    connectivity: int = 32
    expansion_add: int = 128
    expansion_search: int = 512
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
    poster_id: str
    similarity: float


# Beside the index, its keys' poster ids, sorted by key: a match is named without a query.
ID_TABLE = np.dtype([("key", "<u8"), ("poster_id", "S64")])


def _merged_ids(table: np.ndarray, poster_ids: Sequence[str], keys: np.ndarray) -> np.ndarray:
    new = np.array(list(zip(keys.tolist(), poster_ids, strict=True)), dtype=ID_TABLE)
    at = np.minimum(np.searchsorted(table["key"], keys), max(len(table) - 1, 0))
    known = (table["key"][at] == keys) if len(table) else np.zeros(len(keys), dtype=bool)
    if np.any(table["poster_id"][at[known]] != new["poster_id"][known]):
        raise KeyCollisionError("a new poster shares its index key with an indexed one")
    merged = np.concatenate([table, new[~known]])
    return merged[np.argsort(merged["key"], kind="stable")]


class OpenIndex:
    """An index file mapped read-only, for queries. usearch's table from keys to graph nodes
    is not built (queries need none): at a million vectors it cost ~0.2 s an open."""

    def __init__(self, path: Path, ids_path: Path, expansion_search: int) -> None:
        self._index = Index.restore(str(path), view=True, enable_key_lookups=False)
        self._ids = np.load(ids_path, mmap_mode="r")
        self._expansion_search = expansion_search

    def __len__(self) -> int:
        return len(self._index)

    def holds(self, poster_id: str) -> bool:
        """Whether the poster's vector is in the index (its key is in the id table)."""
        key = np.uint64(poster_key(poster_id))
        at = int(np.searchsorted(self._ids["key"], key))
        return at < len(self._ids) and self._ids["key"][at] == key

    def nearest(self, vector: np.ndarray, k: int, exclude: str | None = None) -> list[Neighbour]:
        """The `k` nearest posters by cosine similarity, best first (`exclude`, a poster id,
        is left out: a poster is not its own neighbour)."""
        self._index.expansion_search = max(self._expansion_search, k + 1)
        matches = self._index.search(np.asarray(vector, dtype=np.float32), k + 1)
        keys = np.asarray(matches.keys, dtype=np.uint64)
        names = self._ids["poster_id"][np.searchsorted(self._ids["key"], keys)]
        found = [
            Neighbour(name.decode(), 1.0 - float(distance))
            for name, distance in zip(names, matches.distances, strict=True)
        ]
        return [neighbour for neighbour in found if neighbour.poster_id != exclude][:k]


class EmbeddingIndexFile:
    """The index of one (model, region) pair's vectors, and its keys' poster ids."""

    def __init__(self, path: Path, settings: IndexSettings = IndexSettings()) -> None:
        self.path = Path(path)
        self.ids_path = self.path.with_name(self.path.name + ".ids.npy")
        self.settings = settings
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")))

    def exists(self) -> bool:
        return self.path.exists() and self.ids_path.exists()

    def open(self) -> OpenIndex:
        return OpenIndex(self.path, self.ids_path, self.settings.expansion_search)

    def upsert(self, poster_ids: Sequence[str], vectors: np.ndarray) -> int:
        """Add the posters' vectors, replacing those already there; the index's new size."""
        keys = np.array([poster_key(poster_id) for poster_id in poster_ids], dtype=np.uint64)
        if len(set(keys.tolist())) != len(keys):
            raise KeyCollisionError("two posters of one batch share an index key")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            index = _new_index(vectors.shape[1], self.settings)
            table = np.empty(0, dtype=ID_TABLE)
            if self.exists():
                index.load(str(self.path))
                table = np.load(self.ids_path)
            table = _merged_ids(table, poster_ids, keys)
            present = keys[index.contains(keys)] if len(index) else keys[:0]
            if len(present):
                index.remove(present)
            if len(keys):
                index.add(keys, np.asarray(vectors, dtype=np.float32), threads=0)
            # The ids first: a reader between the two replacements finds every key named.
            _replace(self.ids_path, lambda partial: _save_table(partial, table))
            _replace(self.path, lambda partial: index.save(str(partial)))
            return len(index)


def _save_table(path: Path, table: np.ndarray) -> None:
    with open(path, "wb") as handle:  # given a name, np.save would append ".npy" to it
        np.save(handle, table)


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside, then rename: a reader sees the old file or the new one, whole."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    write(partial)
    partial.replace(path)
