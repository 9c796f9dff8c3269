"""The embeddings' nearest-neighbour index as an asset: each batch's vectors are added to
(or replaced in) one HNSW file per model and region under the home, so `poster-assets
similar` answers over millions of posters in milliseconds."""

import numpy as np
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.resources import PosterStore
from poster_assets.neighbours.index_file import EmbeddingIndexFile, index_path
from poster_assets.stages.embeddings import EMBEDDING
from poster_assets.store.similarity import batch_vectors


@asset(
    name="embedding_index",
    deps=[EMBEDDING.asset, "ssl_embeddings"],
    partitions_def=batch_partitions,
    group_name="search",
    kinds={"usearch"},
    code_version="1",
    description="An HNSW index (usearch, f16, cosine) of every poster's embeddings, one file per "
    "model and region under the home's `indexes/`; `poster-assets similar` searches it and "
    "falls back to an exact DuckDB scan where a poster is not indexed.",
)
def embedding_index(context: AssetExecutionContext, store: PosterStore) -> MaterializeResult:
    rows = batch_vectors(store.database(), context.partition_key)
    sizes: dict[str, int] = {}
    for (model, region), group in rows.groupby(["model", "region"], sort=True):
        index = EmbeddingIndexFile(index_path(store.paths().index_dir, model, region))
        vectors = np.stack(group["vector"].to_numpy()).astype(np.float32)
        sizes[f"{model}/{region}"] = index.upsert(group["poster_id"].tolist(), vectors)
    context.log.info(f"indexed {len(rows)} vectors of batch {context.partition_key}")
    return MaterializeResult(
        metadata={
            "vectors_added": MetadataValue.int(len(rows)),
            "index_sizes": MetadataValue.json(sizes),
        }
    )
