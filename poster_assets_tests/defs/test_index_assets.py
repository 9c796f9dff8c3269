"""The `embedding_index` asset materialized alone on a store with known vectors: a batch is
added to the index, and an index that is not there yet starts from every stored vector."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from dagster import DagsterInstance, materialize

from poster_assets.defs.index_assets import embedding_index
from poster_assets.defs.partitions import BATCH_PARTITIONS_NAME
from poster_assets.defs.resources import PosterStore
from poster_assets.home import PosterHome
from poster_assets.neighbours.index_file import EmbeddingIndexFile, index_path
from poster_assets.store.opening import open_database
from poster_assets.store.similarity import similar_posters

MODEL = "test-model"


def _store_batch(home: PosterHome, batch_id: str, ids: list[str], vectors: np.ndarray) -> None:
    now = datetime.now(UTC)
    posters = pd.DataFrame(
        {
            "poster_id": ids, "batch_id": batch_id, "path": [f"/x/{i}.jpg" for i in ids],
            "width": 10, "height": 10, "format": "PNG", "source_mode": "RGB", "frame_count": 1,
            "exif_transposed": False, "file_bytes": 1, "ingested_at": now,
        }
    )  # fmt: skip
    embeddings = pd.DataFrame(
        {
            "poster_id": ids, "batch_id": batch_id, "model": MODEL, "region": "poster",
            "dimensions": vectors.shape[1], "vector": list(vectors),
        }
    )  # fmt: skip
    with open_database(home).write() as connection:
        connection.register("p", posters)
        connection.execute("INSERT INTO posters SELECT * FROM p")
        connection.register("e", embeddings)
        connection.execute(
            "INSERT INTO embeddings SELECT poster_id, batch_id, model, region, dimensions, "
            "vector::FLOAT[] FROM e"
        )


def _index_batch(home: PosterHome, instance: DagsterInstance, batch_id: str) -> list[str]:
    """The indexes the run rebuilt, as its materialization says."""
    result = materialize(
        [embedding_index],
        instance=instance,
        partition_key=batch_id,
        resources={"store": PosterStore(home=str(home.root))},
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("embedding_index")
    return materialization.metadata["rebuilt"].value


def test_a_new_index_holds_every_stored_poster_and_batches_are_then_added(
    home: PosterHome,
) -> None:
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(BATCH_PARTITIONS_NAME, ["b1", "b2", "b3"])
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((90, 16)).astype(np.float32)
    ids = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(90)]
    _store_batch(home, "b1", ids[:30], vectors[:30])  # indexed before this format, say
    _store_batch(home, "b2", ids[30:60], vectors[30:60])
    assert _index_batch(home, instance, "b2") == [f"{MODEL}/poster"]  # no file: b1's go in too
    index = EmbeddingIndexFile(index_path(home.index_dir, MODEL, "poster"))
    assert len(index.open()) == 60 and index.open().resolve(ids[0]) == ids[0]
    _store_batch(home, "b3", ids[60:], vectors[60:])
    assert _index_batch(home, instance, "b3") == []  # the index is there: only b3 is added
    assert len(index.open()) == 90
    db = open_database(home)
    found, method = similar_posters(db, home.index_dir, ids[0], k=5, model=MODEL)
    assert method == "index"
    exact, exact_method = similar_posters(db, None, ids[0], k=5, model=MODEL)
    assert exact_method == "exact scan"
    assert found["poster_id"].tolist() == exact["poster_id"].tolist()
    assert found["path"].tolist() == [f"/x/{i}.jpg" for i in exact["poster_id"]]
    assert np.allclose(found["similarity"], exact["similarity"], atol=2e-3)
