"""Title accuracy and title-in-OCR recall against a labelled corpus, with baselines from the
same OCR lines ("the tallest line is the title")."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from poster_assets.stages.titles import lines_from_rows
from poster_assets.store.database import PosterDatabase
from poster_assets.store.evaluation_reads import titles_of_labelled
from poster_assets.vision.text_lines import contains_title, titles_match
from poster_assets.vision.title_features import searchable_texts


@dataclass(frozen=True)
class TitleScores:
    posters: int
    title_accuracy: float
    title_in_ocr_recall: float
    title_in_ocr_lines_recall: float
    tallest_line_accuracy: float


def score_titles(rows: pd.DataFrame) -> TitleScores:
    """`rows`: one per labelled poster with `title`, `title_text` and `lines` (TextLines).
    Recall counts a hit in any line, any merged block of stacked lines, any title candidate
    or all of these joined; `title_in_ocr_lines_recall` counts the lines alone (the plain-OCR
    figure)."""
    if rows.empty:
        return TitleScores(0, 0.0, 0.0, 0.0, 0.0)
    accuracy = [
        titles_match(chosen, title)
        for chosen, title in zip(rows.title_text, rows.title, strict=True)
    ]
    recall = [
        contains_title(searchable_texts(lines), title)
        for lines, title in zip(rows.lines, rows.title, strict=True)
    ]
    lines_only = [
        contains_title([line.text for line in lines], title)
        for lines, title in zip(rows.lines, rows.title, strict=True)
    ]
    tallest = [
        bool(lines) and titles_match(max(lines, key=lambda line: line.height).text, title)
        for lines, title in zip(rows.lines, rows.title, strict=True)
    ]
    count = len(rows)
    return TitleScores(
        posters=count,
        title_accuracy=round(sum(accuracy) / count, 4),
        title_in_ocr_recall=round(sum(recall) / count, 4),
        title_in_ocr_lines_recall=round(sum(lines_only) / count, 4),
        tallest_line_accuracy=round(sum(tallest) / count, 4),
    )


def evaluation_rows(db: PosterDatabase, labels: pd.DataFrame) -> pd.DataFrame:
    """Labelled posters with a non-empty title, joined by file name to what the pipeline
    stored. A poster that failed ingest or OCR stays in, with no lines and no title."""
    titled = labels[labels["title"].str.strip() != ""]
    joined, lines = titles_of_labelled(db, titled)
    by_poster = dict(tuple(lines.groupby("poster_id"))) if len(lines) else {}
    joined["lines"] = [
        lines_from_rows(by_poster[poster_id]) if poster_id in by_poster else []
        for poster_id in joined["poster_id"]
    ]
    return joined


def title_report(db: PosterDatabase, labels: pd.DataFrame) -> dict[str, object]:
    rows = evaluation_rows(db, labels)
    return {
        "all": asdict(score_titles(rows)),
        "test_split": asdict(score_titles(rows[rows["is_test"]])),
        "labelled_posters_without_title": int((labels["title"].str.strip() == "").sum()),
    }
