"""`eval ssl`: the genre probe for a pretrained encoder (its OpenVINO IR, as registered in a
home) on any labelled folder in the shared layout, with that folder's fixed split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from poster_assets.errors import PosterInputError, UnknownModelError
from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.genre_probe import MIN_TRAIN_POSITIVES, probe_report
from poster_assets.home import PosterHome
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.ssl_encoder import load_trained_encoder
from poster_assets.store.opening import open_database
from poster_assets.store.trained_models import find_model


def ssl_corpus_report(
    home: PosterHome,
    model_name: str,
    corpus: Path,
    limit: int | None = None,
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:
    model = find_model(open_database(home), model_name)
    if model is None:
        raise UnknownModelError(f"no model {model_name!r} in {home.root}: materialize ssl_encoder")
    encoder = load_trained_encoder(home, model)
    labels = read_labels(corpus, limit)
    labels = labels[labels["genres"] != ""].reset_index(drop=True)
    vectors, readable = [], []
    for image in labels["image"]:
        try:
            rgb = decode_image(read_image_bytes(str(corpus / image))).rgb
        except (PosterInputError, OSError):
            readable.append(False)
            continue
        vectors.append(encoder.embed([rgb])[0])
        readable.append(True)
    labels = labels[readable].reset_index(drop=True)
    report = probe_report(
        np.stack(vectors),
        labels["genres"].str.split("|").tolist(),
        labels["is_test"].to_numpy(),
        min_train_positives,
    )
    return {
        "corpus": str(corpus),
        "model": model.model_name,
        "model_config": model.config,
        "skipped_unreadable_images": readable.count(False),
    } | report
