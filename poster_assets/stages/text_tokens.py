"""The text-tokens stage: each poster's OCR lines (and its metadata title, where known) as
hashed n-gram tokens with their boxes, the fused encoder's text tokens
(`fusion/text_tokens.py`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from poster_assets.fusion.text_tokens import TextToken, encode_vectors, ocr_tokens
from poster_assets.stages import spec
from poster_assets.stages.stored import known_title
from poster_assets.stages.tables import OCR_LINES, TEXT_TOKENS, TITLES

TEXT_TOKENS_REVISION = "r1"


def poster_text_tokens(poster: spec.PosterInput) -> dict[str, list[dict]]:
    found = poster.upstream
    lines = found["ocr_lines"]
    titles = found["titles"]
    title_lines = set(titles["line_indices"].iloc[0]) if len(titles) else set()
    tokens = ocr_tokens(
        [
            (int(row.line_index), str(row.text), float(row.glyph_height),
             (row.x0, row.y0, row.x1, row.y1))
            for row in lines.itertuples()
        ],
        title_lines, poster.width, poster.height,
    )  # fmt: skip
    title = known_title(found["metadata"])
    if title:
        tokens.append(TextToken("metadata", title, (0.0, 0.0, 0.0, 0.0), True))
    vectors = encode_vectors([token.text for token in tokens])
    rows = [
        {
            "token_index": index, "source": token.source, "text": token.text,
            **dict(zip(("x0", "y0", "x1", "y1"), token.box, strict=True)),
            "is_title": token.is_title, "vector_f16": vector,
        }
        for index, (token, vector) in enumerate(zip(tokens, vectors, strict=True))
    ]  # fmt: skip
    return {"text_tokens": rows}


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    return spec.PreparedStage(TEXT_TOKENS_REVISION, spec.ready(poster_text_tokens))


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    rows = tables["text_tokens"]
    return {"tokens_by_source": rows["source"].value_counts().to_dict() if len(rows) else {}}


TEXT_TOKENS_STAGE = spec.StageSpec(
    name="text_tokens", asset="text_tokens", group="fusion", kinds=("python", "duckdb"),
    tables=(TEXT_TOKENS,), upstream=("ocr", "titles"),
    reads=(OCR_LINES.name, TITLES.name, "metadata"), prepare=prepare, summarize=summarize,
    description="Each poster's OCR lines (largest first, at most 16) and its metadata title as "
    "hashed character n-gram tokens with their boxes: table `text_tokens`, the fused "
    "encoder's text tokens.",
)  # fmt: skip
