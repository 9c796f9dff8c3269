"""The title scorer: gradient-boosted trees over `title_features`, P(candidate is the title).

Trees are stored as plain arrays in JSON (fitted by scikit-learn on the training split of the
shared posters, see `poster_assets.evaluation.train_title_scorer`) and evaluated here with
numpy, so inference depends on no pickle and no particular scikit-learn version. The same
file holds the words model (`title_words`) whose line scores are three of the cues.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass

import numpy as np

from poster_assets.vision.title_features import FEATURE_NAMES
from poster_assets.vision.title_words import TitleWords


@dataclass(frozen=True)
class Tree:
    """sklearn's layout: node i splits on `feature[i] <= threshold[i]` to `left[i]`, else to
    `right[i]`; leaves have left == right == -1 and output `value[i]`."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


@dataclass(frozen=True)
class Forest:
    """All trees' nodes in one padded (trees, nodes) array per field, so that every tree
    descends one level per numpy step: 600 trees of depth 3 take 4 steps, not 2,400 (tree by
    tree, this was most of the time a title took to choose: docs/measurements.md, "Titles")."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, trees: tuple[Tree, ...]) -> Forest:
        width = max(len(tree.feature) for tree in trees)

        def padded(field: str, fill: float, dtype: type) -> np.ndarray:
            packed = np.full((len(trees), width), fill, dtype=dtype)
            for row, tree in enumerate(trees):
                values = getattr(tree, field)
                packed[row, : len(values)] = values
            return packed

        return cls(
            feature=padded("feature", 0, np.int64),
            threshold=padded("threshold", 0.0, np.float64),
            left=padded("left", -1, np.int64),
            right=padded("right", -1, np.int64),
            value=padded("value", 0.0, np.float64),
        )

    def total(self, features: np.ndarray) -> np.ndarray:
        """The sum of the trees' outputs per row of `features`, trees added in order."""
        trees = np.arange(len(self.feature))[:, None]
        rows = np.arange(len(features))[None, :]
        node = np.zeros((len(self.feature), len(features)), dtype=np.int64)
        while True:
            left = self.left[trees, node]
            inner = left != -1
            if not inner.any():
                break
            goes_left = features[rows, self.feature[trees, node]] <= self.threshold[trees, node]
            node = np.where(inner, np.where(goes_left, left, self.right[trees, node]), node)
        outputs = self.value[trees, node]
        total = np.zeros(len(features))
        for output in outputs:  # in order, as the trees were fitted: the same sums to the bit
            total += output
        return total


@dataclass(frozen=True)
class TitleScorer:
    feature_names: tuple[str, ...]
    initial_log_odds: float
    learning_rate: float
    trees: tuple[Tree, ...]
    words: TitleWords
    version: str

    def __post_init__(self) -> None:
        if self.feature_names != FEATURE_NAMES:
            raise ValueError(
                f"scorer was fitted on features {self.feature_names}, code has {FEATURE_NAMES}"
            )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros(0)
        log_odds = self.initial_log_odds + self.learning_rate * self._forest.total(features)
        return 1.0 / (1.0 + np.exp(-log_odds))

    @functools.cached_property
    def _forest(self) -> Forest:
        return Forest.of(self.trees)

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
            words=TitleWords.from_dict(raw["words"]),
            version=raw["version"],
        )
