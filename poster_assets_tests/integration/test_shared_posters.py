"""Real posters from ../shared: every one ingests, and the recorded sizes are the files' own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from poster_assets.home import PosterHome
from poster_assets.runs import ingest_directory
from poster_assets.store.opening import open_database

pytestmark = pytest.mark.shared_data


def test_real_posters_ingest_without_failures(
    home: PosterHome, shared_posters: Path, tmp_path: Path
) -> None:
    sample = sorted((shared_posters / "images").glob("*.jpg"))[:40]
    folder = tmp_path / "sample"
    folder.mkdir()
    for image in sample:
        shutil.copy(image, folder / image.name)

    report = ingest_directory(home, folder)

    assert report.failed_runs == [] and report.failed_files == 0
    assert report.new_posters == len({image.read_bytes() for image in sample})
    with open_database(home).read() as connection:
        recorded = dict(
            connection.execute(
                "SELECT regexp_extract(path, '[^/]+$'), [width, height] FROM posters"
            ).fetchall()
        )
    for image in sample:
        if image.name in recorded:
            assert recorded[image.name] == list(Image.open(image).size)
