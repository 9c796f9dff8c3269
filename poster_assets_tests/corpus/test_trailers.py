"""Pairing trailers with posters: by file stem, or by a trailers CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_assets.corpus.discovery import list_image_files
from poster_assets.corpus.metadata import MetadataFormatError
from poster_assets.corpus.trailers import FOLDER_SOURCE, folder_trailers, read_trailers_csv


def test_a_video_beside_posters_is_keyed_by_its_file_stem(tmp_path: Path) -> None:
    (tmp_path / "tt0001.mp4").write_bytes(b"v")
    [found] = folder_trailers(list_image_files(tmp_path).videos)
    assert (found.match_key, found.source) == ("tt0001", FOLDER_SOURCE)


def test_a_csv_pairs_poster_keys_with_paths_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "x.mp4").write_bytes(b"12345")
    csv = tmp_path / "trailers.csv"
    csv.write_text("imdb_id,trailer\ntt0001,clips/x.mp4\ntt0002,\n")
    [found] = read_trailers_csv(csv)
    assert found.match_key == "tt0001"
    assert found.entry.path == str(tmp_path / "clips" / "x.mp4")
    assert found.entry.size == 5
    assert found.source == str(csv)


def test_a_csv_without_a_trailer_column_is_a_clear_error(tmp_path: Path) -> None:
    csv = tmp_path / "trailers.csv"
    csv.write_text("imdb_id,title\ntt0001,Heat\n")
    with pytest.raises(MetadataFormatError, match="trailer column"):
        read_trailers_csv(csv)
