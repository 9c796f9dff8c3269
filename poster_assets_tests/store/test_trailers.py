"""Which stored poster each trailer video goes to, and when a poster's trailer counts as
changed."""

from __future__ import annotations

import pandas as pd

from poster_assets.corpus.discovery import FileEntry
from poster_assets.corpus.trailers import FOLDER_SOURCE, TrailerFile
from poster_assets.home import PosterHome
from poster_assets.store.batches import register_batches
from poster_assets.store.metadata import store_metadata
from poster_assets.store.opening import open_database
from poster_assets.store.posters import replace_batch_ingest
from poster_assets.store.trailers import match_trailers, register_trailer_files
from poster_assets_tests.store.test_database import _entry, _result


def _video(path: str, key: str, source: str = FOLDER_SOURCE, size: int = 100) -> TrailerFile:
    return TrailerFile(FileEntry(path, size, 1, 1), key, source)


def test_trailers_pair_by_stem_by_metadata_id_and_a_csv_first(home: PosterHome) -> None:
    db = open_database(home)
    register_batches(db, [("b1", [_entry(f"/p/{p}.jpg") for p in ("a", "b", "c")])], "cli", "/")
    replace_batch_ingest(db, "b1", _result("b1", ["a", "b", "c"]))
    metadata = pd.DataFrame(
        {"match_key": ["c"], "source_id": ["tt9"], "title": ["C"], "year": [2000],
         "genres": [["Drama"]]}
    )  # fmt: skip
    store_metadata(db, metadata, "labels.csv")
    register_trailer_files(
        db,
        [
            _video("/v/a.mp4", "a"),  # the poster's file stem
            _video("/v/b.mp4", "b"),
            _video("/v/other-b.mp4", "b.jpg", source="trailers.csv"),  # named: wins over b.mp4
            _video("/v/tt9.mkv", "tt9"),  # the metadata id of poster c
            _video("/v/nobody.mp4", "nobody"),
        ],
    )
    report = match_trailers(db)
    assert (report.posters_with_trailer, report.unpaired_videos) == (3, 2)
    assert report.changed_batches == ("b1",)
    with db.read() as connection:
        paired = dict(connection.execute("SELECT poster_id, path FROM trailers").fetchall())
    assert paired == {"a": "/v/a.mp4", "b": "/v/other-b.mp4", "c": "/v/tt9.mkv"}

    register_trailer_files(db, [_video("/v/a.mp4", "a")])  # seen again, unchanged
    assert match_trailers(db).changed_batches == ()
    register_trailer_files(db, [_video("/v/a.mp4", "a", size=200)])  # a new cut
    assert match_trailers(db).changed_batches == ("b1",)
