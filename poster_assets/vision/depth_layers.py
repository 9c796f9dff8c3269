"""A poster as a stack of depth layers: the histogram of depth and its modes, K-means on depth
(K=3 by default) into layers ordered near to far, cleaned and snapped to image edges, and the
layer that carries the title."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import ckwrap
import cv2
import numpy as np

from poster_assets.vision.native_threads import one_native_thread

HISTOGRAM_BINS = 64
MODE_MIN_PROMINENCE = 0.1  # of the smoothed histogram's peak height


@dataclass(frozen=True)
class DepthHistogram:
    counts: np.ndarray  # (bins,) pixel counts
    edges: np.ndarray  # (bins + 1,) in [0, 1]
    smoothed: np.ndarray  # (bins,)
    modes: tuple[float, ...]  # depth values of the peaks, near to far


@dataclass(frozen=True)
class LayerSegmentation:
    labels: np.ndarray  # (H, W) uint8, 0 = nearest layer
    centres: tuple[float, ...]  # mean depth of each layer's cluster, near to far
    cuts: tuple[float, ...]  # depth thresholds between consecutive layers


def depth_histogram(
    depth: np.ndarray, bins: int = HISTOGRAM_BINS, sigma: float = 1.5
) -> DepthHistogram:
    counts, edges = np.histogram(depth, bins=bins, range=(0.0, 1.0))
    # Modes come from the interior: normalisation clips ~1 % of pixels onto exactly 0 and 1,
    # which would otherwise show up as peaks at the ends.
    interior, _ = np.histogram(depth[(depth > 0.0) & (depth < 1.0)], bins=bins, range=(0.0, 1.0))
    # Imported here, as are scikit-image and scikit-learn below: together ~2 s to import, and
    # every process that loads the asset graph (each launched run, the UI's code server)
    # imports this module through the stage registry.
    from scipy.ndimage import gaussian_filter1d
    from scipy.signal import find_peaks

    smoothed = gaussian_filter1d(interior.astype(float), sigma)

    peaks, _ = find_peaks(
        np.concatenate([[0.0], smoothed, [0.0]]),  # so peaks at either end count
        prominence=MODE_MIN_PROMINENCE * max(smoothed.max(), 1e-9),
    )
    centres = (edges[:-1] + edges[1:]) / 2
    return DepthHistogram(counts, edges, smoothed, tuple(float(centres[p - 1]) for p in peaks))


class KMeansSolver(StrEnum):
    """`exact`: the optimal clustering (dynamic programming over the map's distinct depth
    values, Ckmeans.1d.dp), in ~1.5 ms. `lloyd`: scikit-learn's K-means++ and Lloyd
    iterations, the code before (~25 ms); it stops near an optimum, not at it (a higher
    within-layer sum of squares on 97 of 100 real posters)."""

    EXACT = "exact"
    LLOYD = "lloyd"


def kmeans_layers(
    depth: np.ndarray, k: int = 3, solver: KMeansSolver = KMeansSolver.EXACT, seed: int = 0
) -> LayerSegmentation:
    """K-means on depth values alone. In one dimension the clusters are intervals, so each
    pixel's layer is found from the cuts halfway between sorted centres."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    values, counts = np.unique(depth.astype(np.float64), return_counts=True)
    k = min(k, len(values))
    if solver is KMeansSolver.EXACT:
        found = ckwrap.ckmeans(values, k, weights=counts.astype(np.float64)).centers
    else:
        # One thread: sklearn's OpenMP threads made this 4x slower on 2 cores (95 against
        # 25 ms a poster) and tied the last digits of the centres to the core count.
        from sklearn.cluster import KMeans

        with one_native_thread:
            model = KMeans(n_clusters=k, n_init=4, random_state=seed)
            found = model.fit(depth.reshape(-1, 1).astype(np.float64)).cluster_centers_[:, 0]
    centres = np.sort(found)
    cuts = (centres[:-1] + centres[1:]) / 2
    labels = np.digitize(depth, cuts).astype(np.uint8)
    return LayerSegmentation(labels, tuple(map(float, centres)), tuple(map(float, cuts)))


def snap_to_superpixels(labels: np.ndarray, rgb: np.ndarray, n_segments: int = 250) -> np.ndarray:
    """Each SLIC superpixel of `rgb` takes its majority layer: borders follow image edges and
    speckle disappears. `rgb` must have the same height and width as `labels`."""
    if rgb.shape[:2] != labels.shape:
        raise ValueError(f"rgb {rgb.shape[:2]} and labels {labels.shape} differ in size")
    from skimage.segmentation import slic

    segments = slic(rgb, n_segments=n_segments, compactness=10, start_label=0)
    layers = int(labels.max()) + 1
    votes = np.zeros((segments.max() + 1, layers), dtype=np.int64)
    np.add.at(votes, (segments.ravel(), labels.ravel()), 1)
    return votes.argmax(axis=1)[segments].astype(np.uint8)


def remove_small_regions(labels: np.ndarray, min_share: float = 0.01) -> np.ndarray:
    """Connected regions smaller than `min_share` of the image join the layer that surrounds
    them most."""
    cleaned = labels.copy()
    min_pixels = max(1, int(min_share * labels.size))
    for layer in range(int(labels.max()) + 1):
        count, components, stats, _ = cv2.connectedComponentsWithStats(
            (cleaned == layer).astype(np.uint8), connectivity=8
        )
        for component in range(1, count):
            if stats[component, cv2.CC_STAT_AREA] >= min_pixels:
                continue
            region = components == component
            ring = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
            neighbours = cleaned[ring & ~region]
            neighbours = neighbours[neighbours != layer]
            if len(neighbours):
                cleaned[region] = np.bincount(neighbours).argmax()
    return cleaned


def mask_layer_shares(labels: np.ndarray, mask: np.ndarray, layer_count: int) -> np.ndarray:
    """(layer_count,) share of the masked pixels in each layer; `mask` may be larger than
    the label map (the poster's own pixels), which is then scaled up to it. The title layer
    is the argmax for the title's glyph pixels."""
    if not mask.any():
        raise ValueError("the mask selects no pixels")
    if mask.shape != labels.shape:
        labels = cv2.resize(labels, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)
    return np.bincount(labels[mask], minlength=layer_count)[:layer_count] / int(mask.sum())


SALIENT_RATIO = 1.25


def layer_role(index: int, layer_count: int, saliency_ratio: float | None = None) -> str:
    """Foreground: the nearest layer, and any layer at least SALIENT_RATIO times as salient as
    the poster on average. Background: the farthest layer unless it is that salient. The rest
    is midground. Without `saliency_ratio`, depth order alone decides."""
    salient = saliency_ratio is not None and saliency_ratio >= SALIENT_RATIO
    if (index == 0 and layer_count > 1) or salient:
        return "foreground"
    if index == layer_count - 1:
        return "background"
    return "midground"
