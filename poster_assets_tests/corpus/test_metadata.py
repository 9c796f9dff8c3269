"""Metadata CSVs: parsing what people actually write, joining by file name or id, and the
ingest --metadata option end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.corpus.metadata import (
    MetadataFormatError,
    parse_genres,
    parse_year,
    read_metadata_csv,
)
from poster_assets.home import PosterHome
from poster_assets.store.opening import open_database
from poster_assets.vision.text_lines import titles_match


def test_years_and_genres_are_parsed_from_common_spellings() -> None:
    assert parse_year("1999") == 1999
    assert parse_year("(2003-2005)") == 2003
    assert parse_year("unknown") is None
    assert parse_genres("Drama|Comedy") == ["Drama", "Comedy"]
    assert parse_genres(" Drama, Sci-Fi ;Horror") == ["Drama", "Sci-Fi", "Horror"]
    assert parse_genres("") == []


def test_file_names_win_over_ids_as_the_join_key(tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("imdb_id,image,Title,year,genres\ntt1,images/tt1.jpg,Alpha,1999,Drama\n")
    frame = read_metadata_csv(csv)
    assert frame.iloc[0].to_dict() == {
        "match_key": "tt1.jpg", "source_id": "tt1", "title": "Alpha", "year": 1999,
        "genres": ["Drama"],
    }  # fmt: skip


def test_a_csv_without_an_id_or_file_column_is_refused_by_name(tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("title,year\nAlpha,1999\n")
    with pytest.raises(MetadataFormatError, match="needs an id column"):
        read_metadata_csv(csv)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(MetadataFormatError, match="not a readable CSV"):
        read_metadata_csv(empty)


def test_ingest_with_metadata_joins_labels_onto_posters(
    home: PosterHome, demo_corpus: Path, tmp_path: Path
) -> None:
    by_id = tmp_path / "by_id.csv"
    by_id.write_text(
        "id,title,year,genres\ndemo0001,First,2001,Drama|Horror\n"
        "demo0001,Repeated,2002,Comedy\nnot-a-poster,Ghost,1990,Drama\n"
    )
    result = CliRunner().invoke(
        main,
        ["ingest", str(demo_corpus / "images"), "--home", str(home.root), "--metadata",
         str(by_id)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "metadata: 1 posters from 3 rows (1 rows matched no poster, 1 repeated" in result.output
    result = CliRunner().invoke(
        main, ["ingest", str(demo_corpus / "images"), "--home", str(home.root), "--metadata",
               str(demo_corpus / "labels.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with open_database(home).read() as connection:
        rows = connection.execute(
            "SELECT m.source_id, m.title, m.year, m.genres, parse_filename(p.path) "
            "FROM metadata m JOIN posters p USING (poster_id) ORDER BY m.source_id"
        ).fetchall()
    assert len(rows) == 8
    assert all(source_id + ".jpg" == file_name for source_id, *_, file_name in rows)
    assert all(isinstance(genres, list) and genres for *_, genres, _ in rows)
    # The files were known, so the metadata came after their titles: their batch reran, and
    # each title the OCR read is now the lines that read as it.
    assert "rerunning 1 batches for new metadata or trailers" in result.output
    with open_database(home).read() as connection:
        titles = connection.execute(
            "SELECT t.source, t.reason, t.title_text, m.title FROM titles t "
            "JOIN metadata m USING (poster_id)"
        ).fetchall()
        sides = connection.execute("SELECT DISTINCT detector_side FROM ocr_lines").fetchall()
    assert sides and {side for (side,) in sides} <= {448, 1024, 736}  # first pass or a retry
    located = [row for row in titles if row[0] == "metadata"]
    assert len(located) >= 6
    assert all(reason == "located from metadata" for _, reason, _, _ in located)
    assert all(titles_match(read, known) for _, _, read, known in located)
    again = CliRunner().invoke(
        main, ["ingest", str(demo_corpus / "images"), "--home", str(home.root), "--metadata",
               str(demo_corpus / "labels.csv")],
    )  # fmt: skip
    assert again.exit_code == 0 and "rerunning" not in again.output  # nothing changed


def test_a_bad_metadata_file_fails_before_any_work(home: PosterHome, demo_corpus: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(demo_corpus / "images"), "--home", str(home.root), "--metadata",
               str(demo_corpus / "ground_truth.jsonl")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "needs an id column" in result.output
    assert not home.duckdb_path.exists()
