"""The embeddings' nearest-neighbour index as an asset: each batch's vectors are added to
(or replaced in) one index file per model and region under the home, so `poster-assets
similar` answers over millions of posters in milliseconds. An index is rebuilt from every
stored vector of its kind when the corpus outgrows its lists, and when its file is not there
(a new home, a deleted file, an index of an older format): it never silently holds only the
latest batches."""

from functools import partial

import numpy as np
import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.resources import PosterStore
from poster_assets.neighbours.index_file import EmbeddingIndexFile, index_path
from poster_assets.stages.embeddings import EMBEDDING
from poster_assets.store.database import PosterDatabase
from poster_assets.store.similarity import batch_vectors, stored_vectors


@asset(
    name="embedding_index",
    deps=[EMBEDDING.asset, "ssl_embeddings"],
    partitions_def=batch_partitions,
    group_name="search",
    kinds={"faiss"},
    code_version="2",
    description="An inverted-file index (faiss IVF, 8-bit codes, cosine) of every poster's "
    "embeddings, one file per model and region under the home's `indexes/`, rebuilt when the "
    "corpus outgrows its lists; `poster-assets similar` searches it and falls back to an exact "
    "DuckDB scan where a poster is not indexed.",
)
def embedding_index(context: AssetExecutionContext, store: PosterStore) -> MaterializeResult:
    db = store.database()
    rows = batch_vectors(db, context.partition_key)
    sizes: dict[str, int] = {}
    rebuilt: list[str] = []
    for (model, region), batch in rows.groupby(["model", "region"], sort=True):
        index = EmbeddingIndexFile(index_path(store.paths().index_dir, model, region))
        size, was_rebuilt = index.update(
            *_ids_and_vectors(batch),
            every=partial(_every_vector, db, model, region),
        )
        sizes[f"{model}/{region}"] = size
        if was_rebuilt:
            rebuilt.append(f"{model}/{region}")
    context.log.info(
        f"indexed {len(rows)} vectors of batch {context.partition_key}"
        + (f"; rebuilt from every stored vector: {', '.join(rebuilt)}" if rebuilt else "")
    )
    return MaterializeResult(
        metadata={
            "vectors_added": MetadataValue.int(len(rows)),
            "index_sizes": MetadataValue.json(sizes),
            "rebuilt": MetadataValue.json(rebuilt),
        }
    )


def _ids_and_vectors(rows: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    return rows["poster_id"].tolist(), np.stack(rows["vector"].to_numpy()).astype(np.float32)


def _every_vector(db: PosterDatabase, model: str, region: str) -> tuple[list[str], np.ndarray]:
    return _ids_and_vectors(stored_vectors(db, model, region))
