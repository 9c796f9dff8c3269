"""A logistic-regression scorer over `title_features`: P(line is part of the title).

Weights are plain numbers (JSON), fitted on the training split of the shared posters by
`poster_assets.evaluation.train_title_scorer`; inference is numpy only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

from poster_assets.vision.title_features import FEATURE_NAMES


@dataclass(frozen=True)
class LinearTitleScorer:
    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    version: str

    def __post_init__(self) -> None:
        if self.feature_names != FEATURE_NAMES:
            raise ValueError(
                f"scorer was fitted on features {self.feature_names}, code has {FEATURE_NAMES}"
            )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros(0)
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> LinearTitleScorer:
        raw = json.loads(text)
        return cls(
            **{
                key: tuple(value) if isinstance(value, list) else value
                for key, value in raw.items()
            }
        )
