"""The OCR stage: every text line of every poster, with polygon, text and confidence, and
the blocks of stacked lines they form (a title split over lines, read whole).

Upscaling small posters before OCR was measured and dropped: rapidocr already resizes the
detector's input so its short side is `det_limit_side_len`, and enlarging the poster first
lowered title recall (README, "Titles").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from poster_assets.analysis.stage_result import StageResult, failure_frame, failure_row
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.ocr import OcrSettings, load_ocr_engine, read_text_lines
from poster_assets.vision.text_blocks import group_stacked_lines
from poster_assets.vision.text_lines import TextLine

OCR_STAGE = "ocr"
OCR_STAGE_REVISION = 3  # bump when the stage's outputs change for the same settings
OCR_LINE_COLUMNS = [
    "poster_id", "batch_id", "line_index", "text", "confidence", "polygon",
    "x0", "y0", "x1", "y1", "glyph_height",
]  # fmt: skip


@dataclass(frozen=True)
class OcrPipeline:
    settings: OcrSettings = field(default_factory=OcrSettings)

    @property
    def version(self) -> str:
        """Changes whenever a setting does, so reruns redo posters OCR'd differently."""
        digest = hashlib.sha1(repr(asdict(self)).encode()).hexdigest()[:10]
        return f"ppocrv6-small-r{OCR_STAGE_REVISION}-{digest}"

    def read(self, rgb: np.ndarray) -> list[TextLine]:
        return read_text_lines(load_ocr_engine(self.settings), rgb)


OCR_BLOCK_COLUMNS = [
    "poster_id", "batch_id", "block_index", "text", "line_indices", "x0", "y0", "x1", "y1",
]  # fmt: skip


def ocr_rows(poster_id: str, batch_id: str, lines: Sequence[TextLine]) -> list[dict]:
    return [
        {
            "poster_id": poster_id,
            "batch_id": batch_id,
            "line_index": index,
            "text": line.text,
            "confidence": line.confidence,
            "polygon": line.polygon.reshape(-1).tolist(),
            "x0": line.box[0],
            "y0": line.box[1],
            "x1": line.box[2],
            "y1": line.box[3],
            "glyph_height": line.height,
        }
        for index, line in enumerate(lines)
    ]


def block_rows(poster_id: str, batch_id: str, lines: Sequence[TextLine]) -> list[dict]:
    return [
        {
            "poster_id": poster_id,
            "batch_id": batch_id,
            "block_index": index,
            "text": block.text,
            "line_indices": list(block.line_indices),
            "x0": block.box[0],
            "y0": block.box[1],
            "x1": block.box[2],
            "y1": block.box[3],
        }
        for index, block in enumerate(group_stacked_lines(lines))
    ]


def run_ocr(
    posters: Sequence[tuple[str, str]],
    batch_id: str,
    pipeline: OcrPipeline,
    show_progress: bool = True,
) -> StageResult:
    """OCR each (poster_id, path); a poster that fails is recorded and the rest go on."""
    rows: list[dict] = []
    blocks: list[dict] = []
    done: list[str] = []
    failures: list[dict] = []
    for poster_id, path in tqdm(posters, desc=f"ocr {batch_id}", disable=not show_progress):
        try:
            rgb = decode_image(read_image_bytes(path)).rgb
            lines = pipeline.read(rgb)
            rows += ocr_rows(poster_id, batch_id, lines)
            blocks += block_rows(poster_id, batch_id, lines)
            done.append(poster_id)
        except Exception as error:  # noqa: BLE001 - recorded per poster, the batch goes on
            failures.append(failure_row(batch_id, OCR_STAGE, path, poster_id, error))
    return StageResult(
        tables={
            "ocr_lines": pd.DataFrame(rows, columns=OCR_LINE_COLUMNS),
            "ocr_blocks": pd.DataFrame(blocks, columns=OCR_BLOCK_COLUMNS),
        },
        done=done,
        failures=failure_frame(failures),
    )
