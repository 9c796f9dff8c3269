"""The composition stage: one role per pixel (title text, other text, each subject,
background) from the cues the other stages found, and per role its share, box, depth rank
and the faces and objects centred in it (`vision/composition`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from poster_assets.imaging.annotate import COMPOSITION_LEGEND, draw_composition
from poster_assets.imaging.preview import contact_sheet, poster_caption
from poster_assets.models.ocr import RuntimeMode
from poster_assets.stages import spec
from poster_assets.stages.layers import title_glyph_row
from poster_assets.stages.ocr import title_line_reader
from poster_assets.stages.stored import (
    detection_boxes,
    labelled_boxes,
    poster_pictures,
    role_maps,
    titles_read,
)
from poster_assets.stages.tables import (
    COMPOSITION,
    COMPOSITION_ROLES,
    DEPTH_MAPS,
    FACES,
    FOREGROUND,
    OBJECTS,
    OCR_LINES,
    TITLE_TEXT,
    TITLES,
)
from poster_assets.vision import composition, text_pixels
from poster_assets.vision.depth import decode_depth_png
from poster_assets.vision.line_reading import LineReader
from poster_assets.vision.masks import decode_mask_png, encode_label_png, encode_mask_png

# r6: layers r15's fill; r5: layers r14's reading; r4: the title glyphs' rule of layers r13
COMPOSITION_REVISION = "r6"


def text_masks(
    rgb: np.ndarray,
    lines: pd.DataFrame,
    titles: pd.DataFrame,
    title_text: pd.DataFrame,
    read: LineReader,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The title's glyph pixels (the layers stage's, or found here by the same rule where
    there are no depth layers) and the other lines' glyph pixels; None for either with no
    such lines."""
    title_lines = (
        set(titles["line_indices"].iloc[0])
        if len(titles) and titles["title_text"].iloc[0]
        else set()
    )
    if not title_lines:
        title_mask = None
    elif len(title_text):
        title_mask = decode_mask_png(title_text["mask_png"].iloc[0])
    else:
        title_mask = title_glyph_row(rgb, lines, titles, read)[0]
    others = lines[~lines["line_index"].isin(title_lines)]
    other_mask = (
        text_pixels.text_pixels(rgb, [np.asarray(p, float) for p in others["polygon"]])
        if len(others)
        else None
    )
    return title_mask, other_mask


def poster_composition(poster: spec.PosterInput, read: LineReader) -> dict[str, list[dict]]:
    """The poster's role map and role rows; `read`, the recogniser, for a title's glyphs."""
    found = poster.upstream
    rgb = poster.rgb
    foreground = found["foreground"].iloc[0]
    title_mask, other_mask = text_masks(
        rgb, found["ocr_lines"], found["titles"], found["title_text"], read
    )
    composed = composition.compose(
        decode_mask_png(foreground["mask_png"]), title_mask, other_mask, rgb.shape[:2]
    )
    depth_rows = found["depth_maps"]
    depth = decode_depth_png(depth_rows["depth_png"].iloc[0]) if len(depth_rows) else None
    summaries = composition.summarise_roles(
        composed, depth, detection_boxes(found["faces"]), labelled_boxes(found["objects"])
    )
    shown = np.bincount(composed.roles.ravel(), minlength=composition.FIRST_SUBJECT)
    shares = shown / composed.roles.size
    subject_method = str(foreground["method"])
    cues = subject_method.split(":")[1].split("+")
    cues += [name for name, mask in (("title_text", title_mask), ("other_text", other_mask))
             if mask is not None and mask.any()]  # fmt: skip
    row = {
        "width": rgb.shape[1],
        "height": rgb.shape[0],
        "roles_png": encode_label_png(composed.roles),
        "cues": cues,
        "subject_method": subject_method,
        "subjects": len(summaries) - len(composition.FIXED_ROLES),
        "subject_share": float(shares[composition.FIRST_SUBJECT :].sum()),
        "title_text_share": float(shares[composition.TITLE_TEXT]),
        "other_text_share": float(shares[composition.OTHER_TEXT]),
        "background_share": float(shares[composition.BACKGROUND]),
    }
    role_rows = [
        {
            "role_index": summary.index,
            "role": summary.role,
            "mask_png": encode_mask_png(summary.mask),
            "pixel_share": summary.pixel_share,
            **dict(zip(("x0", "y0", "x1", "y1"), summary.box or (None,) * 4, strict=True)),
            "depth_rank": summary.depth_rank,
            "faces": summary.faces,
            "objects": list(summary.objects),
        }
        for summary in summaries
    ]
    return {"composition": [row], "composition_roles": role_rows}


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    read = title_line_reader(RuntimeMode.of(context.library_defaults))
    return spec.PreparedStage(
        COMPOSITION_REVISION, spec.ready(functools.partial(poster_composition, read=read))
    )


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows, roles = tables["composition"], tables["composition_roles"]
    subjects = roles[roles["role"] == "subject"]
    faces = roles.groupby("role")["faces"].sum()
    return {
        "median_subjects": float(rows["subjects"].median()) if len(rows) else 0.0,
        "median_subject_share": float(rows["subject_share"].median()) if len(rows) else 0.0,
        "median_background_share": float(rows["background_share"].median()) if len(rows) else 0.0,
        "median_subject_depth_rank": (
            float(subjects["depth_rank"].median()) if subjects["depth_rank"].notna().any() else 0.0
        ),
        "faces_by_role": {str(role): int(count) for role, count in faces.items() if count},
        "posters_by_cues": {
            "+".join(cues): int(count)
            for cues, count in rows["cues"].map(tuple).value_counts().items()
        },
    }


def preview(rows: spec.RowReader, poster_ids: Sequence[str]) -> bytes | None:
    """Posters with their roles tinted."""
    maps = role_maps(rows.rows("composition", poster_ids))
    read = titles_read(rows, poster_ids)
    pictures, captions = [], []
    for poster_id, rgb in poster_pictures(rows, poster_ids).items():
        roles = maps.get(poster_id)
        if roles is None or roles.shape != rgb.shape[:2]:
            continue
        pictures.append(draw_composition(rgb, roles))
        captions.append(poster_caption(poster_id, read.get(poster_id)))
    return contact_sheet(pictures, captions, COMPOSITION_LEGEND) if pictures else None


COMPOSITION_STAGE = spec.StageSpec(
    name="composition", asset="composition", group="foreground", kinds=("opencv", "duckdb"),
    tables=(COMPOSITION, COMPOSITION_ROLES),
    upstream=("ocr", "titles", "depth", "layers", "faces", "objects", "foreground"),
    reads=(OCR_LINES.name, TITLES.name, DEPTH_MAPS.name, TITLE_TEXT.name, FACES.name,
           OBJECTS.name, FOREGROUND.name),
    requires=(FOREGROUND.name,), parallel=True,
    prepare=prepare, summarize=summarize,
    preview=preview, preview_caption="composition: subjects, title text, other text, background",
    description="One role per pixel (table `composition`, an 8-bit map): the title's glyphs, "
    "other text's glyphs, each subject (the foreground split into connected parts), and "
    "background; per role its own mask (a subject's keeps what the title covers), share, box, "
    "depth rank and the faces and objects centred in it (table `composition_roles`); and per "
    "poster the cues its roles were drawn from.",
)  # fmt: skip
