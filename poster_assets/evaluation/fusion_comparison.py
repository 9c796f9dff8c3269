"""The fused encoder against ImageNet features by the genre probe, on a home the graph has
processed (its `patch_tokens` and `text_tokens` included):

    python -m poster_assets.evaluation.fusion_comparison CORPUS --home HOME \
        [--steps 2000] [--seeds 0 1 2] [--configs patches_only text structure curriculum ...]

Baselines (fitted once): the stored EfficientNet-Lite3 whole-poster vector (1280-d), it beside
the foreground crop's (2,560-d), and PCA of the whole-poster vector to 128-d fitted on the
training split. Each configuration is an ablation step towards the label-free fused model
(`curriculum`), plus the metadata title as a text token and the genre-supervised variant,
each trained per seed on every poster of the home (genres enter only `genre_supervised`,
and only the training split's) and probed on its 128-d embedding with the fixed split.
Prints JSON: per-seed scores and seconds, mean and standard deviation per configuration."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from sklearn.decomposition import PCA

from poster_assets.evaluation.corpus import read_labels
from poster_assets.evaluation.genre_probe import (
    MIN_TRAIN_POSITIVES,
    evaluated_genres,
    genre_matrix,
    probe_report,
)
from poster_assets.evaluation.genres import stored_region_vectors
from poster_assets.fusion.data import FusionData
from poster_assets.fusion.settings import ABLATIONS, FusionSettings
from poster_assets.fusion.summary import mixing
from poster_assets.fusion.train import embed, prepared_data, train_fusion
from poster_assets.home import PosterHome
from poster_assets.models.embedder import ImageEmbedder
from poster_assets.pretraining.fusion_data import load_fusion_data
from poster_assets.store.evaluation_reads import poster_files
from poster_assets.store.opening import open_database


def labelled(
    data: FusionData, file_of: dict[str, str], corpus: Path
) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
    """Rows of `data` whose file is labelled with genres, their genre lists and test flags."""
    labels = read_labels(corpus)
    labels = labels[labels["genres"] != ""].set_index("file_name")
    rows = [
        i for i, poster_id in enumerate(data.poster_ids) if file_of.get(poster_id) in labels.index
    ]
    files = [file_of[data.poster_ids[i]] for i in rows]
    genre_lists = [labels.loc[name, "genres"].split("|") for name in files]
    is_test = labels.loc[files, "is_test"].to_numpy(bool)
    return np.asarray(rows), genre_lists, is_test


def with_training_genres(
    data: FusionData, rows: np.ndarray, genre_lists: list[list[str]], is_test: np.ndarray,
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> FusionData:  # fmt: skip
    """The training split's genres (those the probe scores) as targets; test posters' genres
    never enter."""
    train_lists = [g for g, test in zip(genre_lists, is_test, strict=True) if not test]
    genres = evaluated_genres(train_lists, min_train_positives)
    matrix = np.zeros((len(data), len(genres)), np.float32)
    known = np.zeros(len(data), bool)
    train_rows = rows[~is_test]
    matrix[train_rows] = genre_matrix(train_lists, genres)
    known[train_rows] = True
    return replace(data, genres=torch.from_numpy(matrix), genre_known=torch.from_numpy(known))


def baselines(
    db, data: FusionData, file_of: dict[str, str], rows: np.ndarray, is_test: np.ndarray
) -> dict[str, np.ndarray]:
    regions = stored_region_vectors(db, ImageEmbedder.model_name)
    files = [file_of[data.poster_ids[i]] for i in rows]
    poster = np.stack([regions["poster"][name] for name in files])
    crop = regions.get("foreground", {})
    foreground = np.stack([crop.get(name, regions["poster"][name]) for name in files])
    pca = PCA(min(128, int((~is_test).sum())), random_state=0).fit(poster[~is_test])
    reduced = pca.transform(poster)
    return {
        "imagenet_poster_1280": poster,
        "imagenet_poster+foreground_2560": np.hstack([poster, foreground]),
        "imagenet_poster_pca128": reduced,
        # The same 128 components mixed as the summary's are (`fusion/summary`): the probe
        # standardises each dimension, so a mixed basis scores differently.
        "imagenet_poster_pca128_mixed": reduced @ mixing(reduced.shape[1]),
    }


def compare(
    home: PosterHome, corpus: Path, *, steps: int, seeds: list[int], configs: list[str],
    min_train_positives: int = MIN_TRAIN_POSITIVES,
) -> dict[str, object]:  # fmt: skip
    db = open_database(home)
    labels = read_labels(corpus)
    train_files = set(labels.loc[~labels["is_test"], "file_name"])
    file_of = {poster_id: name for poster_id, name, _ in poster_files(db)}
    train_posters = [poster_id for poster_id, name in file_of.items() if name in train_files]
    data = load_fusion_data(db, fit_on=train_posters)  # the PCA sees no test poster
    rows, genre_lists, is_test = labelled(data, file_of, corpus)
    supervised = with_training_genres(data, rows, genre_lists, is_test, min_train_positives)

    def probe(features: np.ndarray) -> dict[str, float]:
        report = probe_report(features, genre_lists, is_test, min_train_positives)
        return {"mAP": report["mAP"], "micro_f1": report["micro_f1"]}

    results: dict[str, dict] = {
        name: probe(features)
        for name, features in baselines(db, data, file_of, rows, is_test).items()
    }
    print(json.dumps(results), file=sys.stderr, flush=True)
    runs: dict[str, list[dict[str, float]]] = {}
    for seed in seeds:
        for name in configs:
            settings = replace(ABLATIONS[name], steps=steps, seed=seed)
            source = supervised if "genres" in settings.tasks else data
            trained = train_fusion(source, settings)
            vectors = embed(trained.encoder, prepared_data(source, settings))
            scores = probe(vectors.numpy()[rows]) | {"seconds": round(trained.seconds, 1)}
            runs.setdefault(name, []).append(scores)
            print(json.dumps({"seed": seed, "config": name} | scores), file=sys.stderr, flush=True)
    for name, scores in runs.items():
        results[name] = {
            "per_seed": scores,
            "mAP_mean": round(float(np.mean([s["mAP"] for s in scores])), 4),
            "mAP_std": round(float(np.std([s["mAP"] for s in scores])), 4),
            "micro_f1_mean": round(float(np.mean([s["micro_f1"] for s in scores])), 4),
            "seconds_mean": round(float(np.mean([s["seconds"] for s in scores])), 1),
        }
    return {
        "posters": len(data), "labelled": len(rows), "train": int((~is_test).sum()),
        "test": int(is_test.sum()), "steps": steps, "seeds": seeds, "results": results,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=FusionSettings().steps)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--configs", nargs="+", default=list(ABLATIONS), choices=list(ABLATIONS))
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    report = compare(
        PosterHome(args.home.resolve()), args.corpus, steps=args.steps, seeds=args.seeds,
        configs=args.configs,
    )  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
