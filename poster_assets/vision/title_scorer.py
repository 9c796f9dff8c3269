"""The title scorer: gradient-boosted trees over `title_features`, P(candidate is the title).

Trees are stored as plain arrays in JSON (fitted by scikit-learn on the training split of the
shared posters, see `poster_assets.evaluation.train_title_scorer`) and evaluated here with
numpy, so inference depends on no pickle and no particular scikit-learn version.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

from poster_assets.vision.title_features import FEATURE_NAMES


@dataclass(frozen=True)
class Tree:
    """sklearn's layout: node i splits on `feature[i] <= threshold[i]` to `left[i]`, else to
    `right[i]`; leaves have left == right == -1 and output `value[i]`."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, features: np.ndarray) -> np.ndarray:
        feature, threshold = np.asarray(self.feature), np.asarray(self.threshold)
        left, right = np.asarray(self.left), np.asarray(self.right)
        node = np.zeros(len(features), dtype=int)
        rows = np.arange(len(features))
        while True:
            inner = left[node] != -1
            if not inner.any():
                return np.asarray(self.value)[node]
            goes_left = features[rows, feature[node]] <= threshold[node]
            node = np.where(inner, np.where(goes_left, left[node], right[node]), node)


@dataclass(frozen=True)
class TitleScorer:
    feature_names: tuple[str, ...]
    initial_log_odds: float
    learning_rate: float
    trees: tuple[Tree, ...]
    version: str

    def __post_init__(self) -> None:
        if self.feature_names != FEATURE_NAMES:
            raise ValueError(
                f"scorer was fitted on features {self.feature_names}, code has {FEATURE_NAMES}"
            )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros(0)
        log_odds = self.initial_log_odds + self.learning_rate * sum(
            tree.predict(features) for tree in self.trees
        )
        return 1.0 / (1.0 + np.exp(-log_odds))

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> TitleScorer:
        raw = json.loads(text)
        trees = tuple(
            Tree(**{key: tuple(values) for key, values in tree.items()}) for tree in raw["trees"]
        )
        return cls(
            feature_names=tuple(raw["feature_names"]),
            initial_log_odds=float(raw["initial_log_odds"]),
            learning_rate=float(raw["learning_rate"]),
            trees=trees,
            version=raw["version"],
        )
