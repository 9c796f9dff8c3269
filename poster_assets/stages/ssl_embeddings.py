"""Whole-poster vectors from a pretrained poster encoder (its OpenVINO IR), into the shared
`embeddings` table under the encoder's name. Not in the registry: which encoder to use is
read from the store's `models` table, so its asset (defs/ssl_assets.py) prepares it."""

from __future__ import annotations

from collections.abc import Callable

from poster_assets.models.ssl_encoder import SslEncoder
from poster_assets.stages.spec import PosterInput, PreparedStage

SSL_EMBEDDINGS_STAGE = "ssl_embeddings"


def prepare_ssl_embeddings(
    model_name: str, version: str, load_encoder: Callable[[], SslEncoder]
) -> PreparedStage:
    def load() -> Callable[[PosterInput], dict[str, list[dict]]]:
        encoder = load_encoder()

        def embed(poster: PosterInput) -> dict[str, list[dict]]:
            vector = encoder.embed([poster.rgb])[0]
            row = {
                "model": model_name,
                "region": "poster",
                "dimensions": len(vector),
                "vector": vector.tolist(),
            }
            return {"embeddings": [row]}

        return embed

    return PreparedStage(version, load, model=model_name, scope=("model", model_name))
