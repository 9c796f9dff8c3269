"""The packaged title-scorer weights (a few numbers fitted on the shared posters' training
split; no poster data is shipped)."""

from __future__ import annotations

import functools
from pathlib import Path

from poster_assets.vision.title_scorer import TitleScorer

PACKAGED_SCORER_PATH = Path(__file__).with_name("title_scorer.json")


@functools.cache
def load_title_scorer(path: Path = PACKAGED_SCORER_PATH) -> TitleScorer:
    return TitleScorer.from_json(path.read_text())
