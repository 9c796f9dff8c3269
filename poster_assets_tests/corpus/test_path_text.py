"""Stored path text: valid UTF-8 for DuckDB, and back to the very bytes of the name."""

from __future__ import annotations

import os

import pytest

from poster_assets.corpus.path_text import os_path, path_text


@pytest.mark.parametrize(
    "raw",
    [
        b"posters/a.jpg",
        "posters/é.jpg".encode(),
        b"bad\xffname.jpg",
        b"back\\slash.jpg",
        b"\\xff\xfe\\",
        b"\xc3",
        b"x\\x41.jpg",
    ],
)
def test_every_name_round_trips_through_utf8_text(raw: bytes) -> None:
    path = os.fsdecode(raw)
    text = path_text(path)
    text.encode("utf-8")  # what DuckDB refused for surrogate-escaped names
    assert os.fsencode(os_path(text)) == raw


def test_ordinary_names_are_stored_unchanged() -> None:
    assert path_text("/posters/Été 1985.jpg") == "/posters/Été 1985.jpg"
    assert path_text(os.fsdecode(b"/p/bad\xffname.jpg")) == "/p/bad\\xffname.jpg"
