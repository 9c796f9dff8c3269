"""Compare pretraining schedules by the genre probe, on a home the graph has processed.

    python -m poster_assets.evaluation.ssl_schedules CORPUS --home HOME \
        [--epochs 8] [--size 64] [--seeds 0 1 2] [--schedules simsiam structure_first ...]

For each seed: a random-init encoder, then each schedule trained from scratch on every
labelled poster of the home (labels never enter pretraining: only the stored structure does),
each probed on whole-poster features with the fixed split of `genre_probe`. Prints JSON with
per-seed scores and the mean and standard deviation per representation."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import torch

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.genre_probe import (
    MIN_TRAIN_POSITIVES,
    evaluated_genres,
    genre_matrix,
    linear_probe,
)
from poster_assets.home import PosterHome
from poster_assets.runs import database_for
from poster_assets.ssl.augment import ViewSettings, crop_and_resize
from poster_assets.ssl.curriculum import SCHEDULES
from poster_assets.ssl.curriculum_labels import TASK_CLASSES, curriculum_labels
from poster_assets.ssl.data import load_posters
from poster_assets.ssl.encoder import PosterEncoder
from poster_assets.ssl.train import WHOLE_POSTER, TrainSettings, train_encoder


def encoder_features(encoder: PosterEncoder, posters: torch.Tensor, size: int) -> np.ndarray:
    """Whole-poster features, in batches, in eval mode."""
    encoder.eval()
    chunks = []
    with torch.no_grad():
        for start in range(0, len(posters), 256):
            batch = posters[start : start + 256]
            whole = crop_and_resize(batch, WHOLE_POSTER.expand(len(batch), 4), size)
            chunks.append(encoder(whole).numpy())
    return np.concatenate(chunks)


def compare_schedules(
    home: PosterHome,
    corpus: Path,
    *,
    epochs: int,
    size: int,
    seeds: list[int],
    schedules: list[str],
    batch_size: int = 64,
    learning_rate: float = 0.1,
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:
    stored = curriculum_labels(database_for(home))
    stored["file_name"] = stored["path"].map(os.path.basename)
    labels = read_labels(corpus)
    labels = labels[labels["genres"] != ""]
    joined = stored.merge(labels[["file_name", "genres", "is_test"]], on="file_name")
    posters = load_posters(joined["path"].tolist())
    targets = {task: torch.tensor(joined[task].to_numpy()) for task in TASK_CLASSES}
    genre_lists = joined["genres"].str.split("|").tolist()
    is_test = joined["is_test"].to_numpy()
    train_lists = [g for g, test in zip(genre_lists, is_test, strict=True) if not test]
    genres = evaluated_genres(train_lists, min_train_positives)
    matrix = genre_matrix(genre_lists, genres)

    def probe(features: np.ndarray) -> dict[str, float]:
        scores = linear_probe(
            features[~is_test], matrix[~is_test], features[is_test], matrix[is_test]
        )
        return {"mAP": scores.mean_average_precision, "micro_f1": scores.micro_f1}

    runs: dict[str, list[dict[str, float]]] = {"random_init": []}
    for seed in seeds:
        torch.manual_seed(seed)
        runs["random_init"].append(probe(encoder_features(PosterEncoder(), posters, size)))
        for schedule in schedules:
            settings = TrainSettings(
                epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                views=ViewSettings(size=size),
                tasks=() if schedule == "simsiam" else tuple(TASK_CLASSES), schedule=schedule,
            )  # fmt: skip
            trained = train_encoder(posters, settings, targets)
            runs.setdefault(schedule, []).append(
                probe(encoder_features(trained.model.encoder, posters, size))
            )
    return {
        "posters": len(joined),
        "train": int((~is_test).sum()),
        "test": int(is_test.sum()),
        "settings": {
            "epochs": epochs,
            "size": size,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "seeds": seeds,
        },  # fmt: skip
        "results": {
            name: {
                "per_seed": scores,
                "mAP_mean": round(float(np.mean([s["mAP"] for s in scores])), 4),
                "mAP_std": round(float(np.std([s["mAP"] for s in scores])), 4),
            }
            for name, scores in runs.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--schedules", nargs="+", default=list(SCHEDULES), choices=SCHEDULES)
    args = parser.parse_args()
    report = compare_schedules(
        PosterHome(args.home.resolve()),
        args.corpus,
        epochs=args.epochs,
        size=args.size,
        seeds=args.seeds,
        schedules=args.schedules,
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
