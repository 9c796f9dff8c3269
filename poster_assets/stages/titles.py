"""The title stage: which of a poster's stored OCR lines form its title, its box and
placement. Reads rows only, no pixels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

import numpy as np
import pandas as pd

from poster_assets.imaging.annotate import LINE_COLOUR, TITLE_COLOUR, draw_ocr
from poster_assets.imaging.preview import contact_sheet, poster_caption
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.stages import spec
from poster_assets.stages.stored import known_title, poster_pictures
from poster_assets.stages.tables import OCR_LINES, TITLES
from poster_assets.vision.text_lines import TextLine
from poster_assets.vision.title_scorer import TitleScorer
from poster_assets.vision.title_selection import choose_title, locate_title

# Bump when the choice changes for the same scorer (r2: the scale of type ignores stray glyphs;
# r3: titles known from metadata are located; r4: candidates join pieces side by side, read
# row by row; r5: a small "THE" over the chosen title's first line joins it).
TITLE_CHOICE_REVISION = "r5"


def lines_from_rows(rows: pd.DataFrame) -> list[TextLine]:
    """Rows of `ocr_lines` for one poster, in line_index order, back to TextLines."""
    return [
        TextLine(row.text, float(row.confidence), np.asarray(row.polygon, float).reshape(4, 2))
        for row in rows.sort_values("line_index").itertuples()
    ]


def title_row(
    lines: pd.DataFrame, width: int, height: int, scorer: TitleScorer, known: str | None = None
) -> dict:
    """The title of one poster (its `ocr_lines` rows): where its metadata's title (`known`)
    reads in some lines, those; else the scorer's choice, or an empty one with a reason."""
    text_lines = lines_from_rows(lines)
    located = locate_title(text_lines, width, height, known) if known else None
    choice = located or choose_title(text_lines, width, height, scorer)
    box = choice.box or (None, None, None, None)
    return {
        "title_text": choice.text,
        "confidence": choice.confidence,
        "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3],
        "placement_v": choice.placement.vertical if choice.placement else None,
        "placement_h": choice.placement.horizontal if choice.placement else None,
        "line_indices": list(choice.line_indices),
        "reason": choice.reason,
        "source": "metadata" if located else "ocr",
    }  # fmt: skip


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    scorer = load_title_scorer()

    def choose(poster: spec.PosterInput) -> dict[str, list[dict]]:
        known = known_title(poster.upstream["metadata"])
        row = title_row(poster.upstream["ocr_lines"], poster.width, poster.height, scorer, known)
        return {"titles": [row]}

    version = f"{TITLE_CHOICE_REVISION}+{scorer.version}"
    return spec.PreparedStage(version, spec.ready(choose), model=scorer.version)


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["titles"]
    found = rows[rows["title_text"] != ""]
    return {
        "titles_found": len(found),
        "located_from_metadata": int((found["source"] == "metadata").sum()),
        "mean_confidence": float(found["confidence"].mean()) if len(found) else 0.0,
        "no_title_reasons": rows.loc[rows["title_text"] == "", "reason"].value_counts().to_dict(),
    }


def preview(rows: spec.RowReader, poster_ids: Sequence[str]) -> bytes | None:
    """Posters with every OCR line outlined and the chosen title boxed."""
    lines = rows.rows("ocr_lines", poster_ids)
    titles = rows.rows("titles", poster_ids).set_index("poster_id")
    pictures, captions = [], []
    for poster_id, rgb in poster_pictures(rows, poster_ids).items():
        polygons = [
            np.asarray(polygon, float).reshape(4, 2)
            for polygon in lines.loc[lines["poster_id"] == poster_id, "polygon"]
        ]
        title = titles.loc[poster_id]
        box = None if title["title_text"] == "" else (title.x0, title.y0, title.x1, title.y1)
        pictures.append(draw_ocr(rgb, polygons, box))
        captions.append(poster_caption(poster_id, title["title_text"]))
    legend = [(LINE_COLOUR, "OCR line"), (TITLE_COLOUR, "title chosen")]
    return contact_sheet(pictures, captions, legend) if pictures else None


def listing(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The titles read: poster, file, title, placement, confidence."""
    rows = tables["titles"].sort_values("poster_path")
    placement = rows["placement_v"].fillna("") + " " + rows["placement_h"].fillna("")
    return pd.DataFrame(
        {
            "poster": rows["poster_id"].str[:12],
            "file": [PurePath(path).name for path in rows["poster_path"]],
            "title": rows["title_text"].replace("", "(none)"),
            "placement": placement.str.strip(),
            "confidence": rows["confidence"].astype(float).round(3),
        }
    )


TITLE = spec.StageSpec(
    name="titles", asset="titles", group="text", kinds=("python", "duckdb"),
    tables=(TITLES,), upstream=("ocr",), reads=(OCR_LINES.name, "metadata"), prepare=prepare,
    summarize=summarize, listing=listing,
    preview=preview, preview_caption="OCR lines and the title chosen",
    description="Which OCR lines form each poster's title, its box and placement: table "
    "`titles`. Where the poster's metadata has a title (`ingest --metadata`), the lines that "
    "read as it (`source` 'metadata'); else the learned scorer's choice. A poster with no "
    "readable title gets an empty `title_text` and the reason.",
)  # fmt: skip
