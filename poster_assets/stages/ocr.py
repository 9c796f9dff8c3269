"""The OCR stage: every text line of every poster, with polygon, text and confidence, and
the blocks of stacked lines they form (a title split over lines, read whole).

Upscaling small posters before OCR was measured and dropped: rapidocr already resizes the
detector's input so its short side is `det_limit_side_len`, and enlarging the poster first
lowered title recall (docs/measurements.md, "Titles").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from poster_assets.models.ocr import OcrSettings, RuntimeMode, load_ocr_engine, read_text_lines
from poster_assets.stages import spec
from poster_assets.vision.text_blocks import group_stacked_lines
from poster_assets.vision.text_lines import TextLine

OCR_STAGE_REVISION = 4  # bump when the stage's outputs change for the same settings
BOX = (
    spec.Column("x0", "DOUBLE NOT NULL"), spec.Column("y0", "DOUBLE NOT NULL"),
    spec.Column("x1", "DOUBLE NOT NULL"), spec.Column("y1", "DOUBLE NOT NULL"),
)  # fmt: skip
OCR_LINES = spec.TableSpec(
    "ocr_lines",
    (
        spec.Column("line_index", "INTEGER NOT NULL", "reading order from the recogniser"),
        spec.Column("text", "VARCHAR NOT NULL"),
        spec.Column("confidence", "DOUBLE NOT NULL"),
        spec.Column("polygon", "DOUBLE[8] NOT NULL", "x0 y0 x1 y1 x2 y2 x3 y3, original pixels"),
        *BOX,
        spec.Column("glyph_height", "DOUBLE NOT NULL"),
    ),
    key=("poster_id", "line_index"),
)
OCR_BLOCKS = spec.TableSpec(
    "ocr_blocks",
    (
        spec.Column("block_index", "INTEGER NOT NULL", "top to bottom"),
        spec.Column("text", "VARCHAR NOT NULL", "member lines joined in reading order"),
        spec.Column("line_indices", "INTEGER[] NOT NULL", "into ocr_lines.line_index"),
        *BOX,
    ),
    key=("poster_id", "block_index"),
)


@dataclass(frozen=True)
class OcrStageSettings:
    """rapidocr settings; defaults are the measured best (docs/measurements.md, "Titles"):
    detection upscales a poster's short side to 448 px, not 736; the angle classifier, which
    turned some titles upside down, is off; and each line goes to the recogniser padded to its
    own width rounded up to 64 px (at least 192), batched only with lines of that width, so a
    line's text no longer depends on the lines beside it and OpenVINO meets a few recurring
    input shapes. Same title accuracy, less than half the OCR time."""

    det_limit_side_len: int = 448
    det_box_thresh: float = 0.3
    det_unclip_ratio: float = 1.6
    use_angle_cls: bool = False
    rec_min_width: int = 192
    rec_width_step: int = 64
    rec_batch_size: int = 6

    def ocr_settings(self) -> OcrSettings:
        return OcrSettings(**asdict(self))


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


def ocr_rows(lines: Sequence[TextLine]) -> list[dict]:
    return [
        {
            "line_index": index,
            "text": line.text,
            "confidence": line.confidence,
            "polygon": line.polygon.reshape(-1).tolist(),
            "x0": line.box[0], "y0": line.box[1], "x1": line.box[2], "y1": line.box[3],
            "glyph_height": line.height,
        }
        for index, line in enumerate(lines)
    ]  # fmt: skip


def block_rows(lines: Sequence[TextLine]) -> list[dict]:
    return [
        {
            "block_index": index,
            "text": block.text,
            "line_indices": list(block.line_indices),
            "x0": block.box[0], "y0": block.box[1], "x1": block.box[2], "y1": block.box[3],
        }
        for index, block in enumerate(group_stacked_lines(lines))
    ]  # fmt: skip


def prepare(context: spec.StageContext) -> spec.PreparedStage:
    settings: OcrStageSettings = context.settings  # type: ignore[assignment]
    mode = RuntimeMode.DEFAULTS if context.library_defaults else RuntimeMode.TUNED
    pipeline = OcrPipeline(settings.ocr_settings(), mode)

    def read(poster: spec.PosterInput) -> dict[str, list[dict]]:
        lines = pipeline.read(poster.rgb)
        return {"ocr_lines": ocr_rows(lines), "ocr_blocks": block_rows(lines)}

    return spec.PreparedStage(pipeline.version, spec.ready(read), model=pipeline.version)


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    lines = tables["ocr_lines"]
    return {
        "lines": len(lines),
        "mean_confidence": float(lines["confidence"].mean()) if len(lines) else 0.0,
    }


OCR = spec.StageSpec(
    name="ocr", asset="ocr_lines", group="text", kinds=("openvino", "duckdb"),
    tables=(OCR_LINES, OCR_BLOCKS), settings=OcrStageSettings, prepare=prepare, summarize=summarize,
    parallel=True,
    description="Every text line of every poster (PP-OCRv6 small on OpenVINO, from `rapidocr`): "
    "table `ocr_lines`, one row per line with polygon, box, text and confidence; stacked "
    "lines grouped in `ocr_blocks`.",
)  # fmt: skip
