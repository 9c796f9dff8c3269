"""A poster's dominant colours: K-means on its pixels in CIE Lab, where distances follow how
different colours look, so the clusters are the colours a person would name."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORKING_SIDE = 96  # pixels on the long side: enough for a palette, cheap to cluster


@dataclass(frozen=True)
class PaletteColour:
    lab: tuple[float, float, float]  # L in 0..100, a and b in about -128..127
    rgb: tuple[int, int, int]  # sRGB 0..255
    share: float  # of the poster's pixels

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)


def dominant_colours(rgb: np.ndarray, colours: int = 5, seed: int = 0) -> list[PaletteColour]:
    """At most `colours` clusters (fewer when the poster has fewer distinct colours), largest
    share first. Deterministic for a given seed: single-threaded scipy K-means++."""
    height, width = rgb.shape[:2]
    scale = WORKING_SIDE / max(height, width)
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab).reshape(-1, 3)
    distinct = len(np.unique(lab, axis=0))
    # Imported here (~0.3 s): every process that loads the asset graph imports this module
    # through the stage registry.
    from scipy.cluster.vq import kmeans2

    centres, labels = kmeans2(lab.astype(np.float64), min(colours, distinct), minit="++", seed=seed)
    counts = np.bincount(labels, minlength=len(centres))
    found = []
    for index in np.argsort(-counts, kind="stable"):
        if counts[index] == 0:
            continue  # an empty cluster
        centre = centres[index].astype(np.float32).reshape(1, 1, 3)
        back = cv2.cvtColor(centre, cv2.COLOR_Lab2RGB).reshape(3)
        found.append(
            PaletteColour(
                lab=tuple(float(value) for value in centres[index]),
                rgb=tuple(int(value) for value in np.clip(np.round(back * 255), 0, 255)),
                share=float(counts[index] / len(labels)),
            )
        )
    return found
