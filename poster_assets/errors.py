"""The one domain error: an input file that cannot become a poster, with a specific reason."""

from __future__ import annotations

from enum import StrEnum


class FailureKind(StrEnum):
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not_a_regular_file"
    EMPTY = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    NOT_AN_IMAGE = "not_an_image"
    TRUNCATED = "truncated_or_corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    UNEXPECTED = "unexpected_error"


class PosterInputError(Exception):
    """Raised for one file; callers record it as a failure row and go on with the batch."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
