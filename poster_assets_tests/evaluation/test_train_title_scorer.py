"""The title scorer's training on a small labelled set: names set as large as titles can be
told apart only by their words, which the words model learns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from poster_assets.evaluation.train_title_scorer import fit_title_scorer, is_part_of_title
from poster_assets.vision.title_scorer import TitleScorer
from poster_assets.vision.title_selection import choose_title
from poster_assets_tests.text_line_factory import rect_line

TITLE_WORDS = ["NIGHT", "RIVER", "STORM", "LAST", "DARK", "MOON", "CITY", "KING", "WAR", "ROAD"]
FIRST_NAMES = ["JOHN", "MARY", "PAUL", "ANNA", "MARK", "LUCY", "PETER", "JANE"]
SURNAMES = ["SMITH", "JONES", "BROWN", "TAYLOR", "WILSON", "CLARK", "HALL", "YOUNG"]


def _poster(rng: np.random.Generator, index: int) -> dict[str, object]:
    """A title and a cast name in the same type, in either order, and a small credit line."""
    title = " ".join(rng.choice(TITLE_WORDS, size=2, replace=False))
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    upper, lower = (title, name) if rng.random() < 0.5 else (name, title)
    lines = [
        rect_line(upper, 40, 60, 260, 100),
        rect_line(lower, 40, 200, 260, 240),
        rect_line("directed by someone", 80, 420, 220, 428),
    ]
    return {"poster_id": f"p{index}", "title": title.title(), "lines": lines,
            "width": 300, "height": 450, "is_test": False}  # fmt: skip


def test_a_line_is_part_of_a_title_when_it_reads_as_a_piece_of_it() -> None:
    assert is_part_of_title("NEVER CRY", "Never Cry Wolf")
    assert is_part_of_title("NEVER CRY WOLF", "Never Cry Wolf")
    assert not is_part_of_title("KLAUS MARIA BRANDAUER", "Never Cry Wolf")
    assert not is_part_of_title("...", "Never Cry Wolf")


def test_the_scorer_learns_to_tell_a_title_from_a_name_in_the_same_type() -> None:
    rng = np.random.default_rng(3)
    rows = pd.DataFrame([_poster(rng, index) for index in range(80)])
    scorer = fit_title_scorer(rows, "test-1")
    assert TitleScorer.from_json(scorer.to_json()) == scorer
    unseen = [_poster(rng, index) for index in range(80, 100)]
    chosen = [
        choose_title(poster["lines"], 300, 450, scorer).text.lower() == poster["title"].lower()
        for poster in unseen
    ]
    assert sum(chosen) >= 19  # by layout alone, the two lines are a coin toss
