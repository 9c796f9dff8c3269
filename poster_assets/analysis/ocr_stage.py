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

from poster_assets.analysis.stage_result import PosterFile, StageResult, run_per_poster
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.ocr import OcrSettings, RuntimeMode, load_ocr_engine, read_text_lines
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

    mode: RuntimeMode = RuntimeMode.TUNED  # how the engine runs; the same text either way

    @property
    def version(self) -> str:
        """Changes whenever a setting does, so reruns redo posters OCR'd differently."""
        digest = hashlib.sha1(repr({"settings": asdict(self.settings)}).encode()).hexdigest()
        return f"ppocrv6-small-r{OCR_STAGE_REVISION}-{digest[:10]}"

    def read(self, rgb: np.ndarray) -> list[TextLine]:
        return read_text_lines(load_ocr_engine(self.settings, self.mode), rgb)


OCR_BLOCK_COLUMNS = [
    "poster_id", "batch_id", "block_index", "text", "line_indices", "x0", "y0", "x1", "y1",
]  # fmt: skip


def ocr_rows(lines: Sequence[TextLine]) -> list[dict]:
    return [
        {
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


def block_rows(lines: Sequence[TextLine]) -> list[dict]:
    return [
        {
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
    posters: Sequence[PosterFile],
    batch_id: str,
    pipeline: OcrPipeline,
    show_progress: bool = True,
    workers: int = 1,
) -> StageResult:
    def read(poster: PosterFile) -> dict[str, list[dict]]:
        lines = pipeline.read(decode_image(read_image_bytes(poster.path)).rgb)
        return {"ocr_lines": ocr_rows(lines), "ocr_blocks": block_rows(lines)}

    return run_per_poster(
        posters,
        batch_id=batch_id,
        stage=OCR_STAGE,
        columns={"ocr_lines": OCR_LINE_COLUMNS, "ocr_blocks": OCR_BLOCK_COLUMNS},
        process=read,
        show_progress=show_progress,
        workers=workers,
    )
