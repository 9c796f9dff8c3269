"""The palette stage: each poster's dominant colours (K-means in Lab), a cheap structure
signal (genres differ in palette) that needs no model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from poster_assets.stages import spec
from poster_assets.stages.tables import PALETTE
from poster_assets.vision.palette import dominant_colours

PALETTE_REVISION = "r1"


@dataclass(frozen=True)
class PaletteSettings:
    colours: int = 5


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    settings: PaletteSettings = context.settings  # type: ignore[assignment]

    def palette(poster: spec.PosterInput) -> dict[str, list[dict]]:
        rows = [
            {
                "colour_index": index, "share": colour.share,
                "l": colour.lab[0], "a": colour.lab[1], "b": colour.lab[2], "hex": colour.hex,
            }
            for index, colour in enumerate(dominant_colours(poster.rgb, settings.colours))
        ]  # fmt: skip
        return {"palette": rows}

    return spec.PreparedStage(f"{PALETTE_REVISION}-k{settings.colours}", spec.ready(palette))


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["palette"]
    dominant = rows[rows["colour_index"] == 0]
    return {"median_dominant_lightness": float(dominant["l"].median()) if len(rows) else 0.0}


PALETTE_STAGE = spec.StageSpec(
    name="palette", asset="palette", group="layers", kinds=("python", "duckdb"),
    tables=(PALETTE,), settings=PaletteSettings, prepare=prepare, summarize=summarize,
    description="Each poster's dominant colours, K-means in CIE Lab: table `palette`, one row "
    "per colour with its share, Lab value and hex.",
)  # fmt: skip
