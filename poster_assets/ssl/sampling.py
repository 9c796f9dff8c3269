"""Pure samplers for the structured training sets: crop boxes that keep the subject, patches
that lie inside one layer, boxes around salient things. Boxes are (x0, y0, x1, y1) fractions
of the poster, so they apply to a mask or an image of any size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from poster_assets.ssl.augment import ViewSettings


@dataclass(frozen=True)
class SampledPatch:
    role: str
    box: tuple[float, float, float, float]
    purity: float  # share of the patch's pixels inside the role's mask


def _window(mask: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The mask's pixels under the box (nearest pixel; at least one pixel a side)."""
    height, width = mask.shape
    x0, x1 = np.clip(np.round(box[[0, 2]] * width), 0, width).astype(int)
    y0, y1 = np.clip(np.round(box[[1, 3]] * height), 0, height).astype(int)
    x0, y0 = min(x0, width - 1), min(y0, height - 1)
    return mask[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)]


def mask_share(mask: np.ndarray, box: np.ndarray) -> float:
    """Share of the box's pixels that are set in `mask`."""
    return float(_window(mask, box).mean())


def subject_kept(mask: np.ndarray, box: np.ndarray) -> float:
    """Share of the mask's set pixels that fall inside the box (1.0 for an empty mask)."""
    total = int(mask.sum())
    return 1.0 if total == 0 else float(_window(mask, box).sum()) / total


def random_crop_box(settings: ViewSettings, rng: np.random.Generator) -> np.ndarray:
    """One crop box keeping between `min_area` and all of the poster (as in `augment`)."""
    area = settings.min_area + (1 - settings.min_area) * rng.random()
    ratio = np.exp((rng.random() * 2 - 1) * np.log(settings.max_aspect_change))
    width, height = min(np.sqrt(area * ratio), 1.0), min(np.sqrt(area / ratio), 1.0)
    x0, y0 = rng.random() * (1 - width), rng.random() * (1 - height)
    return np.array([x0, y0, x0 + width, y0 + height])


def subject_view_pairs(
    subject: np.ndarray | None,
    rng: np.random.Generator,
    *,
    pairs: int,
    settings: ViewSettings,
    min_kept: float = 0.5,
    tries: int = 30,
) -> np.ndarray:
    """(pairs, 2, 4) crop boxes, each keeping at least `min_kept` of the subject mask where one
    such crop is found in `tries` draws (else the draw keeping the most). No mask: any crop."""
    boxes = np.zeros((pairs, 2, 4))
    for pair in range(pairs):
        for view in range(2):
            best, best_kept = random_crop_box(settings, rng), -1.0
            for _ in range(tries if subject is not None else 1):
                box = random_crop_box(settings, rng)
                kept = subject_kept(subject, box) if subject is not None else 1.0
                if kept > best_kept:
                    best, best_kept = box, kept
                if kept >= min_kept:
                    break
            boxes[pair, view] = best
    return boxes


def layer_patches(
    role_masks: dict[str, np.ndarray],
    rng: np.random.Generator,
    *,
    per_role: int,
    side: float = 0.25,
    min_purity: float = 0.8,
    tries: int = 40,
) -> list[SampledPatch]:
    """Up to `per_role` square patches (side = `side` of the poster's width) per role whose
    pixels are at least `min_purity` inside that role's mask. All masks share one size."""
    patches = []
    for role, mask in role_masks.items():
        if not mask.any():
            continue
        height, width = mask.shape
        box_w, box_h = side, min(side * width / height, 1.0)
        ys, xs = np.nonzero(mask)
        found = 0
        for _ in range(tries):
            # Centre on a random pixel of the role, so thin layers are still found.
            pick = rng.integers(len(xs))
            cx, cy = (xs[pick] + 0.5) / width, (ys[pick] + 0.5) / height
            x0 = float(np.clip(cx - box_w / 2, 0, 1 - box_w))
            y0 = float(np.clip(cy - box_h / 2, 0, 1 - box_h))
            box = np.array([x0, y0, x0 + box_w, y0 + box_h])
            purity = mask_share(mask, box)
            if purity >= min_purity:
                patches.append(SampledPatch(role, tuple(float(v) for v in box), purity))
                found += 1
                if found == per_role:
                    break
    return patches


def expanded_box(
    box: tuple[float, float, float, float], margin: float, min_side: float
) -> tuple[float, float, float, float]:
    """The box grown by `margin` of its size on each side, at least `min_side`, clipped."""
    x0, y0, x1, y1 = box
    grow_x = max((x1 - x0) * margin, (min_side - (x1 - x0)) / 2, 0.0)
    grow_y = max((y1 - y0) * margin, (min_side - (y1 - y0)) / 2, 0.0)
    return (
        max(x0 - grow_x, 0.0),
        max(y0 - grow_y, 0.0),
        min(x1 + grow_x, 1.0),
        min(y1 + grow_y, 1.0),
    )


def mask_box(mask: np.ndarray) -> tuple[float, float, float, float] | None:
    """The bounding box of a mask's set pixels, as fractions; None when empty."""
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return None
    height, width = mask.shape
    return (xs.min() / width, ys.min() / height, (xs.max() + 1) / width, (ys.max() + 1) / height)


PATCH_ROLES = ("background", "foreground", "title")
MIN_TITLE_PATCH_SIDE = 0.06


def box_mask(box: tuple[float, float, float, float], shape: tuple[int, int]) -> np.ndarray:
    """A boolean mask of `shape` set inside the fractional box."""
    height, width = shape
    mask = np.zeros(shape, bool)
    x0, x1 = int(box[0] * width), int(np.ceil(box[2] * width))
    y0, y1 = int(box[1] * height), int(np.ceil(box[3] * height))
    mask[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = True
    return mask


def poster_role_masks(
    layer_map_labels: np.ndarray | None,
    layer_roles: tuple[str, ...],
    title_layer: int | None,
    foreground: np.ndarray | None,
    title_box: tuple[float, float, float, float] | None,
) -> tuple[str, dict[str, np.ndarray]] | None:
    """(source, role -> mask): depth layers by role where the poster has layers, else the
    foreground mask and its complement; the title role is the title's box within its layer."""
    if layer_map_labels is not None:
        roles = np.array(layer_roles)
        masks = {
            role: np.isin(layer_map_labels, np.flatnonzero(roles == role))
            for role in ("background", "foreground")
        }
        source, shape = "depth-layers", layer_map_labels.shape
        title_pixels = (layer_map_labels == title_layer) if title_layer is not None else None
    elif foreground is not None:
        masks = {"background": ~foreground, "foreground": foreground}
        source, shape, title_pixels = "foreground-mask", foreground.shape, None
    else:
        return None
    if title_box is not None:
        inside = box_mask(title_box, shape)
        masks["title"] = inside if title_pixels is None else inside & title_pixels
    return source, masks


def title_patch_side(
    title_box: tuple[float, float, float, float], shape: tuple[int, int], largest: float
) -> float:
    """A square patch side (fraction of the width) that fits the title's height: titles are
    often far shorter than a background patch."""
    height, width = shape
    fits = (title_box[3] - title_box[1]) * height / width
    return float(min(largest, max(fits, MIN_TITLE_PATCH_SIDE)))
