"""OCR lines and titles per batch. Each asset processes only the batch's posters its stage has
not finished at the current version (delta and retry), and replaces their rows."""

import numpy as np
import pandas as pd
from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset

from poster_assets.analysis.ocr_stage import OCR_STAGE, OcrPipeline, run_ocr
from poster_assets.analysis.stage_result import StageResult, failure_frame
from poster_assets.analysis.title_stage import TITLE_STAGE, title_rows
from poster_assets.defs.partitions import batch_partitions
from poster_assets.defs.resources import PosterCompute, PosterStore
from poster_assets.defs.stage_io import store_stage_result, timing_metadata
from poster_assets.errors import PosterInputError
from poster_assets.imaging.annotate import draw_ocr
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.imaging.preview import contact_sheet, markdown_image
from poster_assets.models.ocr import OcrSettings, RuntimeMode
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.store.stages import (
    pending_posters,
    poster_sizes,
    rows_for_posters,
)

PREVIEW_POSTERS = 6


class OcrConfig(Config):
    """rapidocr detection settings; defaults are the measured best (README, "Titles")."""

    det_limit_side_len: int = 736
    det_box_thresh: float = 0.3
    det_unclip_ratio: float = 1.6
    show_progress: bool = True

    def pipeline(self, mode: RuntimeMode = RuntimeMode.TUNED) -> OcrPipeline:
        return OcrPipeline(
            settings=OcrSettings(
                det_limit_side_len=self.det_limit_side_len,
                det_box_thresh=self.det_box_thresh,
                det_unclip_ratio=self.det_unclip_ratio,
            ),
            mode=mode,
        )


@asset(
    deps=["posters"],
    partitions_def=batch_partitions,
    group_name="text",
    kinds={"openvino", "duckdb"},
    code_version="1",
)
def ocr_lines(
    context: AssetExecutionContext, config: OcrConfig, store: PosterStore, compute: PosterCompute
) -> MaterializeResult:
    """Every text line of every poster (PP-OCRv6 small on OpenVINO, from `rapidocr`):
    table `ocr_lines`, one row per line with polygon, box, text and confidence."""
    db = store.database()
    pipeline = config.pipeline(compute.ocr_mode())
    todo = pending_posters(db, OCR_STAGE, pipeline.version, context.partition_key)
    result = run_ocr(
        todo,
        context.partition_key,
        pipeline,
        show_progress=config.show_progress,
        workers=compute.worker_count(),
    )
    store_stage_result(context, db, stage=OCR_STAGE, version=pipeline.version, result=result)
    lines = result.tables["ocr_lines"]
    return MaterializeResult(
        metadata={
            "posters_processed": MetadataValue.int(len(todo)),
            "posters_failed": MetadataValue.int(len(result.failures)),
            "lines": MetadataValue.int(len(lines)),
            "mean_confidence": MetadataValue.float(
                float(lines["confidence"].mean()) if len(lines) else 0.0
            ),
            "ocr_version": MetadataValue.text(pipeline.version),
            **timing_metadata(result),
        }
    )


@asset(
    deps=["ocr_lines"],
    partitions_def=batch_partitions,
    group_name="text",
    kinds={"python", "duckdb"},
    code_version="1",
)
def titles(
    context: AssetExecutionContext, config: OcrConfig, store: PosterStore
) -> MaterializeResult:
    """Which OCR lines form each poster's title, its box and placement: table `titles`. A
    poster with no readable title gets an empty `title_text` and the reason."""
    db = store.database()
    scorer = load_title_scorer()
    version = f"{scorer.version}+{config.pipeline().version}"
    todo = pending_posters(db, TITLE_STAGE, version, context.partition_key)
    ids = [poster_id for poster_id, _ in todo]
    lines = rows_for_posters(db, "ocr_lines", ids)
    rows = title_rows(poster_sizes(db, ids), lines, context.partition_key, scorer)
    result = StageResult(tables={"titles": rows}, done=ids, failures=failure_frame([]))
    store_stage_result(context, db, stage=TITLE_STAGE, version=version, result=result)
    found = rows[rows["title_text"] != ""]
    metadata = {
        "posters_processed": MetadataValue.int(len(rows)),
        "titles_found": MetadataValue.int(len(found)),
        "mean_confidence": MetadataValue.float(
            float(found["confidence"].mean()) if len(found) else 0.0
        ),
        "no_title_reasons": MetadataValue.json(
            rows.loc[rows["title_text"] == "", "reason"].value_counts().to_dict()
        ),
    }
    preview = _preview(todo[:PREVIEW_POSTERS], lines, rows)
    if preview:
        metadata["preview"] = MetadataValue.md(preview)
    return MaterializeResult(metadata=metadata)


def _preview(posters: list[tuple[str, str]], lines: pd.DataFrame, rows: pd.DataFrame) -> str | None:
    """A few posters with every OCR line outlined and the chosen title boxed."""
    pictures = []
    for poster_id, path in posters:
        try:
            rgb = decode_image(read_image_bytes(path)).rgb
        except PosterInputError:
            continue
        polygons = [
            np.asarray(polygon, float).reshape(4, 2)
            for polygon in lines.loc[lines["poster_id"] == poster_id, "polygon"]
        ]
        title = rows.loc[rows["poster_id"] == poster_id].iloc[0]
        box = None if title["title_text"] == "" else (title.x0, title.y0, title.x1, title.y1)
        pictures.append(draw_ocr(rgb, polygons, box))
    if not pictures:
        return None
    return markdown_image(contact_sheet(pictures), alt="OCR lines (thin) and title (thick)")
