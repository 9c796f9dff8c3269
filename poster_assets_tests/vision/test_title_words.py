from __future__ import annotations

import math

import pytest

from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.vision.title_words import TermWeights, TitleWords


def test_a_line_scores_by_its_known_terms_normalised_as_tf_idf() -> None:
    words = TitleWords(
        parts=(TermWeights("word", (1, 1), False, {"moon": (2.0, 3.0), "john": (1.0, -4.0)}),),
        intercept=-1.0,
    )
    # Each known term alone is a unit vector: the logit is the intercept plus its
    # coefficient. Unknown words count for nothing; a mix weighs terms by tf-idf.
    logits = [-1.0 + 3.0, -1.0 + 3.0, -1.0, -1.0 - 4.0, -1.0 + (2 * 3.0 - 4.0) / math.sqrt(5)]
    expected = [1 / (1 + math.exp(-logit)) for logit in logits]
    scores = words.scores(["Moon", "moon unknownword", "", "john", "john moon"])
    assert scores.tolist() == pytest.approx(expected)


def test_the_packaged_words_rate_titles_above_names_credits_and_taglines() -> None:
    words = load_title_scorer().words
    titles = words.scores(["NEVER SAY NEVER AGAIN", "GHOSTBUSTERS", "THE TOWN"])
    others = words.scores(["SEAN CONNERY", "directed by ben affleck", "COMING SOON"])
    assert titles.min() > others.max()
