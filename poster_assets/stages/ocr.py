"""The OCR stage: every text line of every poster, with polygon, text and confidence, and
the blocks of stacked lines they form (a title split over lines, read whole).

Upscaling small posters before OCR was measured and dropped: rapidocr already resizes the
detector's input so its short side is `det_limit_side_len`, and enlarging the poster first
lowered title recall (docs/measurements.md, "Titles").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
import pandas as pd

from poster_assets.models.ocr import (
    OcrSettings,
    RuntimeMode,
    load_ocr_engine,
    read_line_images,
    read_text_lines,
)
from poster_assets.models.recogniser_classes import RecogniserCharacters
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.stages import spec
from poster_assets.stages.stored import known_title
from poster_assets.stages.tables import OCR_BLOCKS, OCR_LINES
from poster_assets.vision.line_reading import LineReader
from poster_assets.vision.ocr_passes import KeptPass, read_with_retries
from poster_assets.vision.text_blocks import group_stacked_lines
from poster_assets.vision.text_lines import TextLine
from poster_assets.vision.title_scorer import TitleScorer

OCR_STAGE_REVISION = 5  # bump when the stage's outputs change for the same settings


ENGINE_FIELDS = frozenset(field.name for field in fields(OcrSettings))


@dataclass(frozen=True)
class OcrStageSettings:
    """rapidocr settings; defaults are the measured best (docs/measurements.md, "Titles"):
    detection upscales a poster's short side to 448 px, not 736; the angle classifier, which
    turned some titles upside down, is off; and each line goes to the recogniser padded to its
    own width rounded up to 64 px (at least 192), batched only with lines of that width, so a
    line's text no longer depends on the lines beside it and OpenVINO meets a few recurring
    input shapes. Same title accuracy, less than half the OCR time. Where the title is not
    settled, the poster is read again at larger sizes (docs/measurements.md, "Titles")."""

    det_limit_side_len: int = 448
    det_box_thresh: float = 0.3
    det_unclip_ratio: float = 1.6
    use_angle_cls: bool = False
    rec_min_width: int = 192
    rec_width_step: int = 64
    rec_batch_size: int = 6
    # Latin-script characters only: same title accuracy on the shared posters, OCR ~6-12 %
    # faster; `all` for posters in Chinese or Japanese script (models/recogniser_classes.py).
    rec_characters: RecogniserCharacters = RecogniserCharacters.LATIN
    # Vertical lines read turned both ways, not only as text running down
    # (models/vertical_lines.py).
    vertical_both_ways: bool = True
    # Detector sizes to read again at, in turn, while the title is not settled
    # (vision/ocr_passes.py): "" for none. With a known title (metadata) not found, on 500
    # training posters: title accuracy 0.830 -> 0.866, recall 0.822 -> 0.850, OCR +58 % mean.
    retry_side_lens: str = "1024,736"
    # Without a known title, a retry is made while the chosen title's confidence is below this;
    # 0: never. 0.1: title accuracy 0.704 -> 0.718 for 36 % more OCR time (mean), so off.
    retry_below_confidence: float = 0.0

    def ocr_settings(self) -> OcrSettings:
        engine = {name: value for name, value in asdict(self).items() if name in ENGINE_FIELDS}
        return OcrSettings(**engine)

    def sides(self) -> tuple[int, ...]:
        """The detector's short side in the first pass and in each retry."""
        try:
            retries = [int(side) for side in self.retry_side_lens.split(",") if side.strip()]
        except ValueError:
            retries = [0]
        if min(retries, default=32) < 32:
            raise ValueError(
                f"retry_side_lens {self.retry_side_lens!r}: give sizes in pixels, e.g. "
                "'1024,736', or '' for no retries"
            )
        return tuple(dict.fromkeys((self.det_limit_side_len, *retries)))  # each size once


@dataclass(frozen=True)
class OcrPipeline:
    settings: OcrSettings = field(default_factory=OcrSettings)
    mode: RuntimeMode = RuntimeMode.TUNED  # how the engine runs; the same text either way

    @property
    def version(self) -> str:
        """Changes whenever a setting does, so reruns redo posters OCR'd differently."""
        digest = hashlib.sha1(repr({"settings": asdict(self.settings)}).encode()).hexdigest()
        return f"ppocrv6-small-r{OCR_STAGE_REVISION}-{digest[:10]}"

    def read(self, rgb: np.ndarray, side: int | None = None) -> list[TextLine]:
        """The lines, detected at the settings' size or at short side `side`."""
        settings = self.settings
        if side is not None:
            settings = replace(settings, det_limit_side_len=side)
        return read_text_lines(load_ocr_engine(settings, self.mode), rgb)

    def read_poster(
        self,
        rgb: np.ndarray,
        sides: Sequence[int],
        retry_below: float,
        scorer: TitleScorer,
        known_title: str | None,
    ) -> KeptPass:
        """The lines of the pass that settles the title (vision/ocr_passes.py); `sides` and
        `retry_below` as `OcrStageSettings.sides()` and `retry_below_confidence` give them."""
        return read_with_retries(
            lambda side: self.read(rgb, side), sides, (rgb.shape[1], rgb.shape[0]), scorer,
            known_title, retry_below,
        )  # fmt: skip


def title_line_reader(mode: RuntimeMode = RuntimeMode.TUNED) -> LineReader:
    """The recogniser with the stage's default settings, reading upright line images: the
    calling thread's engine when tuned, so stage threads may share the reader."""
    settings = OcrStageSettings().ocr_settings()
    return lambda images: read_line_images(load_ocr_engine(settings, mode), images)


def ocr_rows(lines: Sequence[TextLine], side: int) -> list[dict]:
    return [
        {
            "line_index": index,
            "text": line.text,
            "confidence": line.confidence,
            "polygon": line.polygon.reshape(-1).tolist(),
            "x0": line.box[0], "y0": line.box[1], "x1": line.box[2], "y1": line.box[3],
            "glyph_height": line.height,
            "detector_side": side,
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
    mode = RuntimeMode.of(context.library_defaults)
    pipeline = OcrPipeline(settings.ocr_settings(), mode)
    sides = settings.sides()
    below = settings.retry_below_confidence
    scorer = load_title_scorer()

    def read(poster: spec.PosterInput) -> dict[str, list[dict]]:
        known = known_title(poster.upstream["metadata"])
        kept = pipeline.read_poster(poster.rgb, sides, below, scorer, known)
        return {"ocr_lines": ocr_rows(kept.lines, kept.side), "ocr_blocks": block_rows(kept.lines)}

    # Without a known title, which pass is kept depends on the scorer's confidence: then its
    # version is part of the stage's (with a known title, the pass that reads it is kept).
    retries = "-".join(map(str, sides[1:]))
    version = pipeline.version + (f"-retry{retries}" if retries else "")
    version += f"@{below}+{scorer.version}" if retries and below > 0 else ""
    return spec.PreparedStage(version, spec.ready(read), model=pipeline.version)


def summarize(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    lines = tables["ocr_lines"]
    # Posters without lines have no side: how many passes they took is not stored.
    sides = lines.groupby("poster_id")["detector_side"].first().value_counts()
    return {
        "lines": len(lines),
        "mean_confidence": float(lines["confidence"].mean()) if len(lines) else 0.0,
        "posters_by_detector_side": {str(side): int(count) for side, count in sides.items()},
    }


OCR = spec.StageSpec(
    name="ocr", asset="ocr_lines", group="text", kinds=("openvino", "duckdb"),
    tables=(OCR_LINES, OCR_BLOCKS), settings=OcrStageSettings, prepare=prepare, summarize=summarize,
    reads=("metadata",), parallel=True,
    description="Every text line of every poster (PP-OCRv6 small on OpenVINO, from `rapidocr`): "
    "table `ocr_lines`, one row per line with polygon, box, text and confidence; stacked "
    "lines grouped in `ocr_blocks`. Where the title is not settled (a known title not found, "
    "or none convincing) the poster is read again at larger detector sizes.",
)  # fmt: skip
