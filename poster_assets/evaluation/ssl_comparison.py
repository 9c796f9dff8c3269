"""Compare pretraining configurations by the genre probe, on a home the graph has processed.

    python -m poster_assets.evaluation.ssl_comparison CORPUS --home HOME \
        [--epochs 8] [--size 64] [--seeds 0 1 2] [--configs random_init simsiam labels ...]

Builds the training sets from the home's store, then for each seed each configuration
(CONFIGS: a random-init encoder, SimSiam alone, SimSiam with each structured task alone, all
tasks together, all tasks staged either way; on request MobileNetV2 from ImageNet weights,
frozen or adapted) trained for the same number of steps on every labelled poster of the home
(genres never enter pretraining: only the stored structure does), each probed on whole-poster
features with the fixed split of `genre_probe`.
Prints JSON with per-seed scores, seconds, and mean and standard deviation per configuration."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.genre_probe import MIN_TRAIN_POSITIVES, probe_report
from poster_assets.home import PosterHome
from poster_assets.pretraining.stored_sets import load_targets, store_training_sets
from poster_assets.pretraining.training_sets import SetSettings, curriculum_labels
from poster_assets.ssl.augment import ViewSettings, crop_and_resize
from poster_assets.ssl.data import load_posters
from poster_assets.ssl.task_names import TASKS
from poster_assets.ssl.train import WHOLE_POSTER, TrainSettings, train_encoder
from poster_assets.store.opening import open_database


@dataclass(frozen=True)
class Config:
    tasks: tuple[str, ...]
    schedule: str
    epoch_factor: float = 1.0  # > 1: more steps, to match another configuration's seconds;
    # 0: no training, the backbone's initial features
    backbone: str = "small-resnet"
    learning_rate_factor: float = 1.0  # fine-tuning ImageNet weights wants a gentler rate


IMAGENET = {"backbone": "mobilenet-v2-imagenet", "learning_rate_factor": 0.2}


# Each task alone runs beside SimSiam throughout (joint); `simsiam_equal_time` trains plain
# SimSiam for as long as `all_joint` takes (its steps cost ~1.75x), for the equal-compute claim.
CONFIGS: dict[str, Config] = {
    "random_init": Config((), "simsiam", epoch_factor=0),
    "simsiam": Config((), "simsiam"),
    "simsiam_equal_time": Config((), "simsiam", epoch_factor=1.75),
    "subject_views": Config(("subject_views",), "simsiam"),
    "labels": Config(("labels",), "joint"),
    "layer_patches": Config(("layer_patches",), "joint"),
    "salient_crops": Config(("salient_crops",), "joint"),
    "text_image": Config(("text_image",), "joint"),
    "all_joint": Config(TASKS, "joint"),
    "all_structure_first": Config(TASKS, "structure_first"),
    "all_simsiam_first": Config(TASKS, "simsiam_first"),
    "imagenet_frozen": Config((), "simsiam", epoch_factor=0, **IMAGENET),
    "imagenet_simsiam": Config((), "simsiam", **IMAGENET),
    "imagenet_labels_structure_first": Config(("labels",), "structure_first", **IMAGENET),
}
# The ImageNet backbone costs ~6x a small-ResNet step here: run it on its own (--configs).
DEFAULT_CONFIGS = [name for name, config in CONFIGS.items() if config.backbone == "small-resnet"]


def encoder_features(encoder: torch.nn.Module, posters: torch.Tensor, size: int) -> np.ndarray:
    """Whole-poster features, in batches, in eval mode."""
    encoder.eval()
    chunks = []
    with torch.no_grad():
        for start in range(0, len(posters), 256):
            batch = posters[start : start + 256]
            whole = crop_and_resize(batch, WHOLE_POSTER.expand(len(batch), 4), size)
            chunks.append(encoder(whole).numpy())
    return np.concatenate(chunks)


def compare_configs(
    home: PosterHome,
    corpus: Path,
    *,
    epochs: int,
    size: int,
    seeds: list[int],
    configs: list[str],
    batch_size: int = 64,
    learning_rate: float = 0.1,
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:
    db = open_database(home)
    store_training_sets(db, SetSettings())
    stored = curriculum_labels(db)
    stored["file_name"] = stored["path"].map(os.path.basename)
    labels = read_labels(corpus)
    labels = labels[labels["genres"] != ""]
    joined = stored.merge(labels[["file_name", "genres", "is_test"]], on="file_name")
    posters = load_posters(joined["path"].tolist())
    targets = load_targets(db, joined["poster_id"].tolist())
    genre_lists = joined["genres"].str.split("|").tolist()
    is_test = joined["is_test"].to_numpy()

    def probe(features: np.ndarray) -> dict[str, float]:
        report = probe_report(features, genre_lists, is_test, min_train_positives)
        return {"mAP": report["mAP"], "micro_f1": report["micro_f1"]}

    runs: dict[str, list[dict[str, float]]] = {}
    for seed in seeds:
        for name in configs:
            config = CONFIGS[name]
            settings = TrainSettings(
                epochs=round(epochs * config.epoch_factor), batch_size=batch_size,
                learning_rate=learning_rate * config.learning_rate_factor, seed=seed,
                views=ViewSettings(size=size), tasks=config.tasks, schedule=config.schedule,
                backbone=config.backbone,
            )  # fmt: skip
            trained = train_encoder(posters, settings, targets)
            scores = probe(encoder_features(trained.model.encoder, posters, size))
            scores |= {"seconds": round(trained.seconds, 1)}
            runs.setdefault(name, []).append(scores)
            print(json.dumps({"seed": seed, "config": name} | scores), file=sys.stderr, flush=True)
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
                "micro_f1_mean": round(float(np.mean([s["micro_f1"] for s in scores])), 4),
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
    parser.add_argument("--configs", nargs="+", default=DEFAULT_CONFIGS, choices=list(CONFIGS))
    args = parser.parse_args()
    report = compare_configs(
        PosterHome(args.home.resolve()),
        args.corpus,
        epochs=args.epochs,
        size=args.size,
        seeds=args.seeds,
        configs=args.configs,
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
