"""Write the report of some batches into a folder: `index.html` and its pictures (each
poster's anatomy, thumbnails of its nearest neighbours), drawn from the stored rows and the
posters' kept copies, so the folder opens in a browser with no server and no network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from poster_assets.errors import PosterAssetsError
from poster_assets.home import PosterHome
from poster_assets.imaging.anatomy import anatomy_png
from poster_assets.imaging.annotate import draw_ocr
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.imaging.preview import png_bytes
from poster_assets.models.embedder import ImageEmbedder
from poster_assets.report.page import Neighbour, PosterCard, report_html
from poster_assets.stages.anatomy import AnatomyUnavailableError, load_anatomy
from poster_assets.store.database import PosterDatabase
from poster_assets.store.report_rows import report_posters
from poster_assets.store.similarity import similar_posters
from poster_assets.store.stages import StoredRows

THUMB_HEIGHT = 300
PICTURES = "pictures"


class NothingToReportError(PosterAssetsError, LookupError):
    pass


@dataclass(frozen=True)
class ReportSettings:
    batch_ids: Sequence[str] = ()  # empty: every batch
    limit: int = 50  # posters
    neighbours: int = 5
    embedding_model: str = ImageEmbedder.model_name


def write_report(home: PosterHome, db: PosterDatabase, out: Path, settings: ReportSettings) -> Path:
    """Returns the page's path."""
    rows = report_posters(db, settings.batch_ids, settings.limit)
    if rows.empty:
        wanted = ", ".join(settings.batch_ids) or "any batch"
        raise NothingToReportError(
            f"no posters in {wanted} (list the batches: poster-assets sql "
            '"SELECT batch_id, source_dir FROM batches")'
        )
    (out / PICTURES).mkdir(parents=True, exist_ok=True)
    pictures = _Pictures(out, StoredRows(db, PosterCopies(home.poster_copies_dir)))
    cards = []
    for row in rows.itertuples():
        picture, picture_note = pictures.anatomy(row.poster_id, row.path)
        neighbours, neighbours_note = _neighbours(home, db, row.poster_id, settings, pictures)
        cards.append(
            PosterCard(
                poster_id=row.poster_id,
                batch_id=row.batch_id,
                file=Path(row.path).name,
                size=f"{row.width} x {row.height}",
                title_read=row.title_read,
                placement=row.placement or "",
                confidence=None if pd.isna(row.confidence) else float(row.confidence),
                known=_known(row),
                found=_found(row),
                picture=picture,
                picture_note=picture_note,
                neighbours=neighbours,
                neighbours_note=neighbours_note,
            )
        )
    batches = sorted(set(rows["batch_id"]))
    page = out / "index.html"
    page.write_text(
        report_html(
            heading=f"poster-assets: {len(cards)} posters of {len(batches)} batch(es)",
            summary=f"batches {', '.join(batches)}; store {db.location}; pictures drawn from "
            "the stored rows (legends in each picture).",
            cards=cards,
        ),
        encoding="utf-8",
    )
    return page


class _Pictures:
    """The report's picture files, each written once."""

    def __init__(self, out: Path, rows: StoredRows) -> None:
        self.out = out
        self.rows = rows
        self.thumbs: dict[str, str] = {}

    def anatomy(self, poster_id: str, path: str) -> tuple[str, str]:
        """The anatomy picture's path, or the poster with its OCR lines and why."""
        name = f"{PICTURES}/{poster_id[:16]}-anatomy.png"
        try:
            png = anatomy_png(load_anatomy(self.rows, poster_id))
            note = ""
        except AnatomyUnavailableError as error:
            try:
                rgb = self.rows.poster_rgb(poster_id, path)
            except PosterAssetsError:
                return "", str(error)
            lines = self.rows.rows("ocr_lines", [poster_id])
            png = png_bytes(Image.fromarray(draw_ocr(rgb, _corners(list(lines["polygon"])), None)))
            note = f"no anatomy: {error}"
        (self.out / name).write_bytes(png)
        return name, note

    def thumbnail(self, poster_id: str, path: str) -> str:
        if poster_id not in self.thumbs:
            name = f"{PICTURES}/{poster_id[:16]}-thumb.jpg"
            try:
                image = Image.fromarray(self.rows.poster_rgb(poster_id, path))
            except PosterAssetsError:
                image = Image.new("RGB", (THUMB_HEIGHT * 2 // 3, THUMB_HEIGHT), "lightgrey")
            image.thumbnail((THUMB_HEIGHT, THUMB_HEIGHT))
            image.save(self.out / name, quality=85)
            self.thumbs[poster_id] = name
        return self.thumbs[poster_id]


def _corners(polygons: list) -> list[np.ndarray]:
    return [np.asarray(polygon, float).reshape(4, 2) for polygon in polygons]


def _neighbours(
    home: PosterHome,
    db: PosterDatabase,
    poster_id: str,
    settings: ReportSettings,
    pictures: _Pictures,
) -> tuple[list[Neighbour], str]:
    if settings.neighbours == 0:
        return [], "not asked for"
    try:
        found, method = similar_posters(
            db, home.index_dir, poster_id, k=settings.neighbours, model=settings.embedding_model
        )
    except PosterAssetsError as error:
        return [], str(error)
    neighbours = [
        Neighbour(
            poster_id=row.poster_id,
            similarity=float(row.similarity),
            label=_label(row),
            picture=pictures.thumbnail(row.poster_id, row.path),
        )
        for row in found.itertuples()
    ]
    return neighbours, f"cosine similarity of ImageNet embeddings ({method})"


def _label(row: object) -> str:
    for value in (row.title, row.title_read):
        if isinstance(value, str) and value:
            return value
    return Path(row.path).name


def _known(row: object) -> str:
    if not isinstance(row.title, str):
        return ""
    year = "" if pd.isna(row.year) else f" ({int(row.year)})"
    genres = ", ".join(row.genres)
    return f"{row.title}{year}" + (f"; {genres}" if genres else "")


def _found(row: object) -> str:
    counted = pd.Series(list(row.objects), dtype="string").value_counts()
    listed = ", ".join(f"{count} {label}" for label, count in counted.items())
    return f"{row.faces} faces; objects: {listed or 'none'}"
