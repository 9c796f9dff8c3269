"""Real OCR and title choice on a handful of real posters from ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from poster_assets.home import PosterHome
from poster_assets.runs import ingest_directory
from poster_assets.store.opening import open_database
from poster_assets.vision.text_lines import titles_match

pytestmark = pytest.mark.shared_data

# Posters whose title lettering is plain enough that a reader gets it at a glance.
EXPECTED_TITLES = {
    "tt0084058.jpg": "Heat and Dust",
    "tt0091814.jpg": "Quicksilver",
    "tt0097499.jpg": "Henry V",
    "tt0102526.jpg": "New Jack City",
    "tt0116731.jpg": "The Juror",
}


def test_titles_of_real_posters(home: PosterHome, shared_posters: Path, tmp_path: Path) -> None:
    folder = tmp_path / "real"
    folder.mkdir()
    for name in EXPECTED_TITLES:
        (folder / name).symlink_to(shared_posters / "images" / name)
    assert ingest_directory(home, folder).failed_runs == []
    with open_database(home).read() as connection:
        found = dict(
            connection.execute(
                "SELECT regexp_extract(pp.path, '[^/]+$'), t.title_text "
                "FROM titles t JOIN poster_paths pp USING (poster_id)"
            ).fetchall()
        )
        lines = connection.execute("SELECT count(*) FROM ocr_lines").fetchone()[0]
    assert set(found) == set(EXPECTED_TITLES)
    assert lines >= len(EXPECTED_TITLES)
    matched = [name for name, title in EXPECTED_TITLES.items() if titles_match(found[name], title)]
    assert len(matched) >= 4, found
