"""The project's errors: one base the CLI turns into a one-line message and exit code, and
the per-file input error every stage records as a failure row instead of stopping a batch."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum


class PosterAssetsError(Exception):
    """Anything a user can act on: the message says what happened and what to do."""


class ModelMissingError(PosterAssetsError):
    """A model a stage needs is not installed; the message says how to get it. The stage is
    skipped (nothing is recorded) and its asset's metadata carries the message."""


class UnknownModelError(PosterAssetsError, LookupError):
    """No trained model or embeddings of that name in the store."""


class FailureKind(StrEnum):
    UNREADABLE = "unreadable"
    UNREADABLE_FOLDER = "unreadable_folder"
    NOT_A_FILE = "not_a_regular_file"
    EMPTY = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    NOT_AN_IMAGE = "not_an_image"
    NOT_A_VIDEO = "not_a_video"
    TRUNCATED = "truncated_or_corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    EXTREME_ASPECT = "extreme_aspect_ratio"
    CHANGED = "file_changed"
    UNEXPECTED = "unexpected_error"


class PosterInputError(PosterAssetsError):
    """Raised for one file; callers record it as a failure row and go on with the batch."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class FailureRow:
    """A row of table `failures`: one file or poster a stage could not use."""

    batch_id: str
    stage: str
    path: str
    poster_id: str | None  # None when the file's bytes could not be read
    kind: str
    message: str
    failed_at: datetime

    @classmethod
    def from_error(
        cls, batch_id: str, stage: str, path: str, poster_id: str | None, error: Exception
    ) -> FailureRow:
        """A specific kind for input errors; anything else is recorded as unexpected, by type."""
        if isinstance(error, PosterInputError):
            kind, message = error.kind.value, error.message
        else:
            kind, message = FailureKind.UNEXPECTED.value, f"{type(error).__name__}: {error}"
        return cls(batch_id, stage, path, poster_id, kind, message, datetime.now(UTC))


FAILURE_COLUMNS = [column.name for column in fields(FailureRow)]
