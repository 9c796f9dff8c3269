from __future__ import annotations

import numpy as np

from poster_assets.stages.layers import poster_layers
from poster_assets.vision.masks import decode_mask_png


def _poster_and_depth(tiny_plane: bool) -> tuple[np.ndarray, np.ndarray]:
    depth = np.full((60, 40), 0.8, np.float32)
    depth[30:, :] = 0.2  # near lower half
    if tiny_plane:
        depth[5:7, 5:7] = 0.5  # 4 px at a depth of its own: K-means gives it a layer
    rgb = np.zeros((120, 80, 3), np.uint8)
    rgb[60:] = (200, 50, 50)
    return depth, rgb


def test_layers_with_the_title_glyphs_in_the_near_layer() -> None:
    depth, rgb = _poster_and_depth(tiny_plane=False)
    glyphs = np.zeros(rgb.shape[:2], bool)
    glyphs[70:100:3, 10:70] = True  # strokes in the lower half, the poster's own pixels
    histogram, layers = poster_layers(depth, rgb, glyphs, k=2)
    assert histogram["mode_count"] == 2
    assert [layer["role"] for layer in layers] == ["foreground", "background"]
    assert [layer["is_title_layer"] for layer in layers] == [True, False]
    assert [layer["title_share"] for layer in layers] == [1.0, 0.0]
    assert layers[0]["mean_depth"] < layers[1]["mean_depth"]


def test_a_layer_swallowed_by_cleaning_is_dropped_not_left_empty() -> None:
    depth, rgb = _poster_and_depth(tiny_plane=True)
    _, layers = poster_layers(depth, rgb, None, k=3)
    assert [layer["layer_index"] for layer in layers] == [0, 1]
    assert all(layer["layer_count"] == 2 for layer in layers)
    assert all(np.isfinite(layer["mean_depth"]) for layer in layers)
    assert all(layer["title_share"] is None and not layer["is_title_layer"] for layer in layers)
    masks = [decode_mask_png(layer["mask_png"]) for layer in layers]
    assert (np.sum(masks, axis=0) == 1).all()


def test_k_from_modes_uses_as_many_layers_as_the_histogram_has_modes() -> None:
    depth, rgb = _poster_and_depth(tiny_plane=False)
    histogram, layers = poster_layers(depth, rgb, None, k=3, k_from_modes=True)
    assert histogram["mode_count"] == 2
    assert len(layers) == 2
