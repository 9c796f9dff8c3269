"""The genre-probe report for a labelled corpus in the shared layout: baselines (training
label frequencies, raw 16x16 pixels), every stored embedding region alone and combined, and
the hand-made structure vector alone and beside the whole-poster embedding, all on the same
posters and the fixed split (`corpus.is_test_poster`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import cv2
import numpy as np

from poster_assets.errors import PosterInputError, UnknownModelError
from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.genre_probe import (
    MIN_TRAIN_POSITIVES,
    evaluated_genres,
    frequency_baseline,
    genre_matrix,
    linear_probe,
)
from poster_assets.evaluation.structure_features import structure_vectors
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import region_vectors

RAW_PIXELS_SIDE = 16
COMBINATIONS = (
    ("poster", "foreground"),
    ("foreground_pooled", "background_pooled"),
    ("poster", "foreground_pooled", "background_pooled"),
)


def raw_pixels(path: str) -> np.ndarray:
    """The poster squashed to 16x16 RGB, scaled to [0, 1]: the no-learning baseline."""
    rgb = decode_image(read_image_bytes(path)).rgb
    small = cv2.resize(rgb, (RAW_PIXELS_SIDE, RAW_PIXELS_SIDE), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32).ravel() / 255.0


def stored_region_vectors(db: PosterDatabase, model: str) -> dict[str, dict[str, np.ndarray]]:
    """region -> file name -> vector, for every poster path the home knows."""
    vectors: dict[str, dict[str, np.ndarray]] = {}
    for region, file_name, vector in region_vectors(db, model):
        vectors.setdefault(region, {})[file_name] = np.asarray(vector, np.float32)
    return vectors


def feature_sets(
    file_names: list[str], regions: Mapping[str, Mapping[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """One matrix per region and per combination, rows in `file_names` order. A poster
    without a region's vector (no foreground found) gets its whole-poster vector there."""
    whole = regions["poster"]
    single = {
        region: np.stack([vectors.get(name, whole[name]) for name in file_names])
        for region, vectors in regions.items()
    }
    combined = {
        "+".join(parts): np.hstack([single[part] for part in parts])
        for parts in COMBINATIONS
        if all(part in single for part in parts)
    }
    return single | combined


def genre_report(
    db: PosterDatabase,
    corpus_dir: Path,
    model: str,
    extra_features: Mapping[str, Callable[[list[str]], np.ndarray]] | None = None,
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:
    """Probe scores per representation, as a JSON-ready dict. `extra_features` maps a name
    to a function from file names to a feature matrix (for trained encoders)."""
    labels = read_labels(corpus_dir)
    labels = labels[labels["genres"] != ""]
    regions = stored_region_vectors(db, model)
    if "poster" not in regions:
        raise UnknownModelError(f"no {model!r} embeddings in this home: materialize `embeddings`")
    labels = labels[labels["file_name"].isin(regions["poster"].keys())].reset_index(drop=True)
    pixels, readable = [], []
    for image in labels["image"]:
        try:
            pixels.append(raw_pixels(str(corpus_dir / image)))
            readable.append(True)
        except PosterInputError:
            readable.append(False)
    labels = labels[readable].reset_index(drop=True)
    genre_lists = labels["genres"].str.split("|").tolist()
    is_test = labels["is_test"].to_numpy()
    train_lists = [genres for genres, test in zip(genre_lists, is_test, strict=True) if not test]
    genres = evaluated_genres(train_lists, min_train_positives)
    matrix = genre_matrix(genre_lists, genres)
    names = labels["file_name"].tolist()
    features = {"raw_16x16_pixels": np.stack(pixels)} | {
        f"{model}:{name}": values for name, values in feature_sets(names, regions).items()
    }
    structure = structure_vectors(db)
    width = len(next(iter(structure.values())))
    features["structure"] = np.stack([structure.get(name, np.zeros(width)) for name in names])
    features[f"{model}:poster+structure"] = np.hstack(
        [features[f"{model}:poster"], features["structure"]]
    )
    for name, build in (extra_features or {}).items():
        features[name] = build(names)
    results = {"label_frequencies": frequency_baseline(matrix[~is_test], matrix[is_test])}
    for name, values in features.items():
        results[name] = linear_probe(
            values[~is_test], matrix[~is_test], values[is_test], matrix[is_test]
        )
    return {
        "posters": len(labels),
        "skipped_unreadable_images": readable.count(False),
        "train": int((~is_test).sum()),
        "test": int(is_test.sum()),
        "genres_evaluated": genres,
        "results": {
            name: {
                "mAP": scores.mean_average_precision,
                "micro_f1": scores.micro_f1,
                "C": scores.regularisation_c,
            }
            for name, scores in results.items()
        },
    }
