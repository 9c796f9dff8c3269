"""A small hand-made vector of each poster's extracted structure (faces, people, objects,
foreground share, title placement and size, text amount, depth modes), to test whether the
structure itself carries genre beyond ImageNet features."""

from __future__ import annotations

import numpy as np

from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import structure_rows


def structure_vectors(db: PosterDatabase) -> dict[str, np.ndarray]:
    """file name -> structure vector (NULL placements count as 0)."""
    return {
        row[0]: np.asarray([0.0 if value is None else float(value) for value in row[1:]])
        for row in structure_rows(db)
    }
