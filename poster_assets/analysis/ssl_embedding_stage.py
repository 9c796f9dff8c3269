"""Whole-poster vectors from a pretrained poster encoder (OpenVINO IR), into `embeddings`."""

from __future__ import annotations

from collections.abc import Sequence

from poster_assets.analysis.embedding_stage import EMBEDDING_COLUMNS
from poster_assets.analysis.stage_result import PosterFile, StageResult, run_per_poster
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.ssl_encoder import SslEncoder

SSL_EMBEDDINGS_STAGE = "ssl_embeddings"


def run_ssl_embeddings(
    posters: Sequence[PosterFile],
    *,
    batch_id: str,
    encoder: SslEncoder,
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    def embed(poster: PosterFile) -> dict[str, list[dict]]:
        vector = encoder.embed([decode_image(read_image_bytes(poster.path)).rgb])[0]
        row = {
            "model": encoder.model_name,
            "region": "poster",
            "dimensions": len(vector),
            "vector": vector.tolist(),
        }
        return {"embeddings": [row]}

    return run_per_poster(
        posters,
        batch_id=batch_id,
        stage=SSL_EMBEDDINGS_STAGE,
        columns={"embeddings": EMBEDDING_COLUMNS},
        process=embed,
        show_progress=show_progress,
        workers=workers,
    )
