"""One inverted-file index (faiss IVF, 8-bit codes) of one kind of embedding, in one file: a
top-10 among a million 1280-d vectors in ~35 ms from a fresh process, where an exact scan in
DuckDB takes seconds.

Vectors are normalised (inner product = cosine) and grouped by their nearest of `lists`
k-means centres; each is stored as 8-bit codes of its offset from that centre. A query scans
the lists of its nearest centres. Queries map the file rather than read it: a fresh `similar`
process opens a million-vector index in a few milliseconds and touches only the lists it
scans (a graph index's scattered reads cost a fresh process ~150 ms).

Keys are the first 16 hex digits of the poster id (64 bits of a SHA-256: two of a million
posters share one with odds of about 3 in 10^8, and that is refused, never merged); a table
sorted by key names each match and says where its vector is stored, so a query needs no
store. Writers take a file lock, change the index in memory and replace the files
atomically, so readers see whole files."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from filelock import FileLock

from poster_assets.errors import PosterAssetsError

KEY_HEX_DIGITS = 16


class KeyCollisionError(PosterAssetsError, ValueError):
    """Two posters share their index key (the first 16 hex digits of their ids)."""


@dataclass(frozen=True)
class IndexSettings:
    """How many lists and how many of them a query scans. Measured on poster-like 1280-d
    vectors (docs/measurements.md, "Similarity"): ~4 sqrt(n) lists; recall@10 follows the
    number of lists scanned more than their share (128 of 1,024 at 100,000: 0.956; 256 of
    4,096 at a million: 0.960; 16 of 256 at 20,000: 0.77), so a query scans a sixteenth of
    them but at least `min_probes`. Below `exhaustive_below` vectors one list holds all and
    every query scans all (10,000 vectors in a few milliseconds)."""

    probed_share: float = 1 / 16
    min_probes: int = 256
    exhaustive_below: int = 10_000
    training_points_per_list: int = 40


def list_count(vectors: int, settings: IndexSettings) -> int:
    """Lists for an index of `vectors`: a power of two near 4 sqrt(n) (so the index is rebuilt
    only when the corpus has doubled or grown fourfold), with enough vectors to train each
    list's centre (faiss asks for 39)."""
    if vectors < settings.exhaustive_below:
        return 1
    near_root = 2 ** round(math.log2(4 * math.sqrt(vectors)))
    trainable = 2 ** math.floor(math.log2(vectors / settings.training_points_per_list))
    return min(near_root, trainable)


def index_path(directory: Path, model: str, region: str) -> Path:
    """One file per embedding model and region (their vectors are not comparable)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{model}.{region}")
    return directory / f"{safe}.faiss"


def poster_key(poster_id: str) -> int:
    return int(poster_id[:KEY_HEX_DIGITS], 16)


def _labels(keys: np.ndarray) -> np.ndarray:
    """faiss labels are signed 64-bit, and -1 means "no match": the key's bits, reinterpreted."""
    labels = keys.astype(np.uint64).view(np.int64)
    if np.any(labels == -1):
        raise KeyCollisionError("a poster's index key is the one value faiss reserves")
    return labels


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Neighbour:
    poster_id: str
    similarity: float


# Beside the index, sorted by key: each key's poster id, and the list and place of its vector.
ID_TABLE = np.dtype([("key", "<u8"), ("poster_id", "S64"), ("list", "<i4"), ("offset", "<i4")])


def _list_labels(index: faiss.IndexIVF, number: int) -> np.ndarray:
    """The labels of one list, in stored order (a view into the index's memory)."""
    size = index.invlists.list_size(number)
    if size == 0:
        return np.empty(0, np.int64)
    return faiss.rev_swig_ptr(index.invlists.get_ids(number), size)


def _id_table(index: faiss.IndexIVF, names: dict[int, bytes]) -> np.ndarray:
    parts = []
    for number in range(index.nlist):
        labels = _list_labels(index, number)
        part = np.empty(len(labels), dtype=ID_TABLE)
        part["key"] = labels.view(np.uint64)
        part["list"] = number
        part["offset"] = np.arange(len(labels))
        parts.append(part)
    table = np.concatenate(parts) if parts else np.empty(0, dtype=ID_TABLE)
    table["poster_id"] = [names[key] for key in table["key"].tolist()]
    return table[np.argsort(table["key"], kind="stable")]


class OpenIndex:
    """An index file mapped read-only, for queries."""

    def __init__(self, path: Path, ids_path: Path, settings: IndexSettings) -> None:
        self._index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        share = round(self._index.nlist * settings.probed_share)
        self._index.nprobe = min(self._index.nlist, max(1, settings.min_probes, share))
        self._index.parallel_mode = 1  # one query: its lists shared among the cores
        self._ids = np.load(ids_path, mmap_mode="r")

    def __len__(self) -> int:
        return self._index.ntotal

    @property
    def lists(self) -> int:
        return self._index.nlist

    @property
    def probes(self) -> int:
        """How many lists a query scans."""
        return self._index.nprobe

    def _row(self, poster_id: str) -> int | None:
        key = np.uint64(poster_key(poster_id))
        at = int(np.searchsorted(self._ids["key"], key))
        found = at < len(self._ids) and self._ids["key"][at] == key
        return at if found else None

    def resolve(self, prefix: str) -> str | None:
        """The one indexed poster whose id starts with `prefix`, or None (none, or several)."""
        prefix = prefix.lower()
        head = prefix[:KEY_HEX_DIGITS]
        if not head or any(c not in "0123456789abcdef" for c in head):
            return None
        low = np.uint64(int(head.ljust(KEY_HEX_DIGITS, "0"), 16))
        high = np.uint64(int(head.ljust(KEY_HEX_DIGITS, "f"), 16))
        keys = self._ids["key"]
        rows = range(int(np.searchsorted(keys, low)), int(np.searchsorted(keys, high, "right")))
        names = [self._ids["poster_id"][row].decode() for row in rows[:2]]
        matching = [name for name in names if name.startswith(prefix)]
        return matching[0] if len(names) == 1 and len(matching) == 1 else None

    def vector(self, poster_id: str) -> np.ndarray:
        """The poster's indexed vector (unit length, as its 8-bit codes give it back): a query
        needs no store."""
        row = self._row(poster_id)
        if row is None:
            raise KeyError(poster_id)
        vector = np.empty(self._index.d, np.float32)
        where = int(self._ids["list"][row]), int(self._ids["offset"][row])
        self._index.reconstruct_from_offset(*where, faiss.swig_ptr(vector))
        return vector

    def nearest(self, vector: np.ndarray, k: int, exclude: str | None = None) -> list[Neighbour]:
        """The `k` nearest posters by cosine similarity, best first (`exclude`, a poster id,
        is left out: a poster is not its own neighbour)."""
        similarities, labels = self._index.search(_unit(np.atleast_2d(vector)), k + 1)
        found = labels[0] != -1
        keys = labels[0][found].view(np.uint64)
        names = self._ids["poster_id"][np.searchsorted(self._ids["key"], keys)]
        neighbours = [
            Neighbour(name.decode(), float(similarity))
            for name, similarity in zip(names, similarities[0][found], strict=True)
        ]
        return [neighbour for neighbour in neighbours if neighbour.poster_id != exclude][:k]


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
        return OpenIndex(self.path, self.ids_path, self.settings)

    def outgrown_by(self, added: int) -> bool:
        """Whether adding `added` vectors calls for more lists than the index has (or there is
        no index yet): then `rebuild` it from every vector rather than `upsert`."""
        if not self.exists():
            return True
        index = faiss.read_index(str(self.path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        return list_count(index.ntotal + added, self.settings) > index.nlist

    def update(
        self,
        poster_ids: Sequence[str],
        vectors: np.ndarray,
        every: Callable[[], tuple[Sequence[str], np.ndarray]],
    ) -> tuple[int, bool]:
        """Add a batch; where there is no index yet or the batch outgrows its lists, rebuild
        it from `every()` (all the vectors of its kind) instead. `every` is read under the
        index's lock, so a rebuild never drops a batch another process added meanwhile.
        The index's new size, and whether it was rebuilt."""
        with self._lock:
            if self.outgrown_by(len(poster_ids)):
                return self.rebuild(*every()), True
            return self.upsert(poster_ids, vectors), False

    def rebuild(self, poster_ids: Sequence[str], vectors: np.ndarray) -> int:
        """An index of exactly these posters, its lists' centres trained on them."""
        keys = _keys(poster_ids)
        names = dict(
            zip(keys.tolist(), [poster_id.encode() for poster_id in poster_ids], strict=True)
        )
        unit = _unit(vectors)
        with self._lock:
            index = _trained_index(unit, list_count(len(unit), self.settings), self.settings)
            index.add_with_ids(unit, _labels(keys))
            self._save(index, names)
            return index.ntotal

    def upsert(self, poster_ids: Sequence[str], vectors: np.ndarray) -> int:
        """Add the posters' vectors to the index's lists, replacing those already there; the
        index's new size. With no index yet, this builds one."""
        keys = _keys(poster_ids)
        labels = _labels(keys)
        with self._lock:
            if not self.exists():
                return self.rebuild(poster_ids, vectors)
            table = np.load(self.ids_path)
            names = dict(zip(table["key"].tolist(), table["poster_id"].tolist(), strict=True))
            for key, poster_id in zip(keys.tolist(), poster_ids, strict=True):
                if names.setdefault(key, poster_id.encode()) != poster_id.encode():
                    raise KeyCollisionError("a new poster shares its index key with an indexed one")
            index = faiss.read_index(str(self.path))
            index.remove_ids(labels)
            index.add_with_ids(_unit(vectors), labels)
            self._save(index, names)
            return index.ntotal

    def _save(self, index: faiss.IndexIVF, names: dict[int, bytes]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        table = _id_table(index, names)
        # The ids first: a reader between the two replacements finds every key named.
        _replace(self.ids_path, lambda partial: _save_table(partial, table))
        _replace(self.path, lambda partial: faiss.write_index(index, str(partial)))


def _keys(poster_ids: Sequence[str]) -> np.ndarray:
    keys = np.array([poster_key(poster_id) for poster_id in poster_ids], dtype=np.uint64)
    if len(set(keys.tolist())) != len(keys):
        raise KeyCollisionError("two posters of one batch share an index key")
    return keys


def _trained_index(unit: np.ndarray, lists: int, settings: IndexSettings) -> faiss.IndexIVF:
    """An empty index whose lists' centres are k-means centres of a sample of `unit`, and
    whose 8-bit codes span the sample's offsets from them. One list (a small corpus) needs no
    training: it keeps f16 vectors, whose range later batches cannot outgrow."""
    dimensions = unit.shape[1]
    if lists == 1:
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dimensions), dimensions, 1, faiss.ScalarQuantizer.QT_fp16,
            faiss.METRIC_INNER_PRODUCT, False,
        )  # fmt: skip
        index.quantizer.add(np.zeros((1, dimensions), np.float32))
        index.is_trained = True
        return index
    index = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(dimensions), dimensions, lists, faiss.ScalarQuantizer.QT_8bit,
        faiss.METRIC_INNER_PRODUCT,
    )  # fmt: skip
    sample = min(len(unit), lists * settings.training_points_per_list)
    rows = np.sort(np.random.default_rng(0).choice(len(unit), sample, replace=False))
    index.train(unit[rows])
    return index


def _save_table(path: Path, table: np.ndarray) -> None:
    with open(path, "wb") as handle:  # given a name, np.save would append ".npy" to it
        np.save(handle, table)


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside, then rename: a reader sees the old file or the new one, whole."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    write(partial)
    partial.replace(path)
