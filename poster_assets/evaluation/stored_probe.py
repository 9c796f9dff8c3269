"""The genre probe on vectors already in the store, with genres from its `metadata` table and
the fixed split of `corpus.is_test_poster` on the metadata's id (the poster id if it has none)."""

from __future__ import annotations

import numpy as np

from poster_assets.errors import PosterAssetsError
from poster_assets.evaluation.corpus import is_test_poster
from poster_assets.evaluation.genre_probe import MIN_TRAIN_POSITIVES, probe_report
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import vectors_with_genres


class NoProbeDataError(PosterAssetsError, LookupError):
    """No poster has both this model's vector and genres."""


def probe_stored_vectors(
    db: PosterDatabase,
    model: str,
    region: str = "poster",
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:
    rows = vectors_with_genres(db, model, region)
    if not rows:
        raise NoProbeDataError(
            f"no poster has both a {model!r} {region} vector and genres: materialize the "
            "embeddings and load genres with `poster-assets ingest DIR --metadata CSV`"
        )
    features = np.array([row[0] for row in rows], dtype=np.float32)
    is_test = np.array([is_test_poster(row[2]) for row in rows])
    report = probe_report(features, [row[1] for row in rows], is_test, min_train_positives)
    return {"model": model, "region": region} | report
