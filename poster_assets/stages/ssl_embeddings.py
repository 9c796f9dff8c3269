"""Whole-poster vectors from a pretrained poster encoder (its OpenVINO IR), into the shared
`embeddings` table under the encoder's name. Not in the registry: which encoder to use is
read from the store's `models` table, so its asset (defs/ssl_assets.py) prepares it."""

from __future__ import annotations

from poster_assets.models.ssl_encoder import SslEncoder
from poster_assets.stages.spec import PosterInput, PreparedStage

SSL_EMBEDDINGS_STAGE = "ssl_embeddings"


def prepare_ssl_embeddings(encoder: SslEncoder, version: str) -> PreparedStage:
    def embed(poster: PosterInput) -> dict[str, list[dict]]:
        vector = encoder.embed([poster.rgb])[0]
        row = {
            "model": encoder.model_name,
            "region": "poster",
            "dimensions": len(vector),
            "vector": vector.tolist(),
        }
        return {"embeddings": [row]}

    return PreparedStage(
        version=version, process=embed, model=encoder.model_name,
        scope=("model", encoder.model_name),
    )  # fmt: skip
