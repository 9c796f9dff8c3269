"""One picture of a poster's anatomy for people to check: the poster with its OCR lines and
title, the depth map, the depth histogram with its modes and K-means cuts, the layers with
the title layer marked, and the composition (or the foreground) with faces and objects;
each panel has its legend."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from poster_assets.imaging.annotate import (
    COMPOSITION_LEGEND,
    FACE_COLOUR,
    FOREGROUND_LEGEND,
    LINE_COLOUR,
    OBJECT_COLOUR,
    TITLE_COLOUR,
    draw_composition,
    draw_detections,
    draw_foreground,
    draw_ocr,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

LAYER_COLOURS = np.array(
    [[230, 80, 60], [250, 190, 60], [70, 130, 220], [120, 200, 120], [170, 110, 200]], np.uint8
)


@dataclass(frozen=True)
class Anatomy:
    rgb: np.ndarray  # (H, W, 3) the poster
    polygons: Sequence[np.ndarray]  # OCR lines, (4, 2) in poster pixels
    title_box: tuple[float, float, float, float] | None
    title_text: str
    depth: np.ndarray  # (h, w) stored map, 0 = near
    histogram_counts: np.ndarray
    histogram_edges: np.ndarray
    modes: Sequence[float]
    cuts: Sequence[float]
    labels: np.ndarray  # (h, w) layer index, 0 = nearest
    title_layer: int | None
    caption: str  # what the picture is of: short id and title read
    foreground: np.ndarray | None = None  # (h, w) mask, any size; None before the stage ran
    faces: Sequence[tuple[float, float, float, float]] = ()
    objects: Sequence[tuple[str, tuple[float, float, float, float]]] = ()
    roles: np.ndarray | None = None  # (H, W) composition map; drawn instead of the foreground
    with_detections: bool = True  # draw the panel of foreground or composition, faces, objects


def _patch(colour: Sequence[int], label: str) -> Patch:
    from matplotlib.patches import Patch

    return Patch(facecolor=np.asarray(colour) / 255, edgecolor="black", label=label)


def anatomy_png(anatomy: Anatomy) -> bytes:
    # matplotlib is imported when a picture is drawn (~0.5 s): every process that loads the
    # asset graph imports this module through the stage registry.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Titles at a fixed height: no panel has decorations above it to avoid, and placing them
    # around such decorations took a fifth of the drawing time.
    with plt.rc_context({"axes.titley": 1.0}):
        figure = _figure(anatomy)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return buffer.getvalue()


def _figure(anatomy: Anatomy) -> Figure:
    import matplotlib.pyplot as plt

    panels = 5 if anatomy.with_detections else 4
    figure, axes = plt.subplots(
        1, panels, figsize=(3.4 * panels, 5.2),
        gridspec_kw={"width_ratios": [1, 1, 1.4, 1, 1][:panels]},
    )  # fmt: skip
    figure.suptitle(anatomy.caption, fontsize=11, x=0.01, ha="left")
    axes[0].imshow(draw_ocr(anatomy.rgb, anatomy.polygons, anatomy.title_box))
    axes[0].set_title(f"title read: {anatomy.title_text or '(none)'}"[:44], fontsize=9)
    _legend(axes[0], [_patch(LINE_COLOUR, "OCR line"), _patch(TITLE_COLOUR, "title")])
    shown = axes[1].imshow(anatomy.depth, cmap="magma_r", vmin=0, vmax=1)
    axes[1].set_title("depth (bright = near)", fontsize=9)
    figure.colorbar(shown, ax=axes[1], fraction=0.046)
    _histogram(axes[2], anatomy)
    layer_count = int(anatomy.labels.max()) + 1
    axes[3].imshow(LAYER_COLOURS[anatomy.labels % len(LAYER_COLOURS)])
    if anatomy.title_layer is not None:
        outline = anatomy.labels == anatomy.title_layer
        axes[3].contour(outline, levels=[0.5], colors="black", linewidths=1.5)
    title_layer = "none" if anatomy.title_layer is None else str(anatomy.title_layer)
    axes[3].set_title(f"depth layers; title layer ({title_layer}) outlined", fontsize=9)
    _legend(
        axes[3],
        [
            _patch(LAYER_COLOURS[index % len(LAYER_COLOURS)], _layer_name(index, layer_count))
            for index in range(layer_count)
        ],
    )
    if anatomy.with_detections:
        _detections(axes[4], anatomy)
    for axis in (axes[0], axes[1], *axes[3:]):
        axis.set_axis_off()
    # Fixed margins, not tight_layout: the same look for these panels at a third of the cost.
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.12, top=0.86, wspace=0.36)
    return figure


def _detections(axis: Axes, anatomy: Anatomy) -> None:
    found = f"{len(anatomy.faces)} faces, {len(anatomy.objects)} objects"
    if anatomy.roles is not None:
        picture = draw_composition(anatomy.rgb, anatomy.roles)
        axis.imshow(draw_detections(picture, anatomy.faces, anatomy.objects))
        axis.set_title(f"composition; {found}", fontsize=9)
        boxes = ((FACE_COLOUR, "face"), (OBJECT_COLOUR, "COCO object"))
        _legend(axis, [_patch(colour, label) for colour, label in COMPOSITION_LEGEND + boxes])
        return
    axis.imshow(draw_foreground(anatomy.rgb, anatomy.foreground, anatomy.faces, anatomy.objects))
    masked = "foreground" if anatomy.foreground is not None else "no foreground yet"
    axis.set_title(f"{masked}; {found}", fontsize=9)
    _legend(axis, [_patch(colour, label.split(" (")[0]) for colour, label in FOREGROUND_LEGEND])


def _histogram(axis: Axes, anatomy: Anatomy) -> None:
    # One filled outline, not a bar per bin: the same picture from one artist instead of 64.
    axis.stairs(
        anatomy.histogram_counts, anatomy.histogram_edges, fill=True, color="0.6", label="pixels"
    )
    for index, mode in enumerate(anatomy.modes):
        axis.axvline(mode, color="tab:red", linewidth=1.5, label="mode" if index == 0 else None)
    for index, cut in enumerate(anatomy.cuts):
        axis.axvline(
            cut, color="tab:blue", linestyle="--", linewidth=1.5,
            label="K-means cut" if index == 0 else None,
        )  # fmt: skip
    axis.set_title("depth histogram", fontsize=9)
    axis.set_xlabel("depth, 0 = near")
    axis.legend(fontsize=8, loc="upper right")


def _layer_name(index: int, count: int) -> str:
    if index == 0:
        return "0 near"
    return f"{index} far" if index == count - 1 else str(index)


def _legend(axis: Axes, handles: list[Patch]) -> None:
    """Under the panel, so that it hides nothing of the poster."""
    axis.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), fontsize=8,
        ncol=min(len(handles), 3), frameon=False, handlelength=1, columnspacing=0.8,
    )  # fmt: skip
