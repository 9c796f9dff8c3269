"""How much a line's words read like part of a film's title rather than a name, a tagline or a
credit: a logistic regression over the line's TF-IDF character n-grams and words, fitted on
the OCR lines of the shared posters' training split (`evaluation.train_title_scorer`) and
stored as plain numbers beside the title scorer's trees.

The title scorer's other cues see type and layout only; names ("SEAN CONNERY") and taglines
set in title-sized type were its commonest wrong choices (docs/measurements.md, "Titles").
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TermWeights:
    """One TF-IDF vectorizer's terms (lower-cased), each with its inverse document frequency
    and the regression's coefficient. A line's vector is l2-normalised over its known terms,
    as scikit-learn's `TfidfVectorizer` does; unknown terms count for nothing."""

    analyzer: str  # "char_wb" or "word", as scikit-learn names them
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    terms: dict[str, tuple[float, float]]

    def logit(self, text: str) -> float:
        counts = Counter(term for term in self._analyse(text) if term in self.terms)
        weighted = [
            (self._tf(count) * self.terms[term][0], self.terms[term][1])
            for term, count in counts.items()
        ]
        norm = math.sqrt(sum(value * value for value, _ in weighted))
        return sum(value * coefficient for value, coefficient in weighted) / norm if norm else 0.0

    def _tf(self, count: int) -> float:
        return 1.0 + math.log(count) if self.sublinear_tf else float(count)

    def _analyse(self, text: str) -> list[str]:
        return _analyser(self.analyzer, self.ngram_range)(text)


@functools.cache
def _analyser(analyzer: str, ngram_range: tuple[int, int]) -> Any:
    """scikit-learn's own tokenisation, so that stored terms and a line's terms agree
    (imported here: the asset graph imports this module, and only a title needs it)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range).build_analyzer()


@dataclass(frozen=True)
class TitleWords:
    parts: tuple[TermWeights, ...]
    intercept: float

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """P(the line is part of the title) for each text."""
        logits = np.array(
            [self.intercept + sum(part.logit(text) for part in self.parts) for text in texts],
            dtype=float,
        )
        return 1.0 / (1.0 + np.exp(-logits))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TitleWords:
        return cls(
            parts=tuple(
                TermWeights(
                    analyzer=part["analyzer"],
                    ngram_range=(int(part["ngram_range"][0]), int(part["ngram_range"][1])),
                    sublinear_tf=bool(part["sublinear_tf"]),
                    terms={term: (float(w[0]), float(w[1])) for term, w in part["terms"].items()},
                )
                for part in raw["parts"]
            ),
            intercept=float(raw["intercept"]),
        )
