"""Build every training set from the store and replace its table; read them back as
training targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from poster_assets.pretraining.training_sets import (
    SetSettings,
    build_labels,
    build_layer_patches,
    build_salient_crops,
    build_text_pairs,
    build_view_pairs,
)
from poster_assets.ssl.targets import TrainingTargets, targets_from_sets
from poster_assets.store.database import PosterDatabase
from poster_assets.store.whole_tables import read_table, replace_table

SET_BUILDERS: dict[str, Callable[[PosterDatabase, SetSettings], pd.DataFrame]] = {
    "ssl_view_pairs": build_view_pairs,
    "ssl_layer_patches": build_layer_patches,
    "ssl_salient_crops": build_salient_crops,
    "ssl_text_pairs": lambda db, _settings: build_text_pairs(db),
    "ssl_labels": lambda db, _settings: build_labels(db),
}


def store_training_set(db: PosterDatabase, table: str, settings: SetSettings) -> pd.DataFrame:
    rows = SET_BUILDERS[table](db, settings)
    replace_table(db, table, rows)
    return rows


def store_training_sets(db: PosterDatabase, settings: SetSettings) -> dict[str, int]:
    """Table -> rows written."""
    return {table: len(store_training_set(db, table, settings)) for table in SET_BUILDERS}


def load_targets(db: PosterDatabase, poster_ids: Sequence[str]) -> TrainingTargets:
    """The stored training sets, aligned with `poster_ids`."""
    return targets_from_sets({table: read_table(db, table) for table in SET_BUILDERS}, poster_ids)
