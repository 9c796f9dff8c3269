"""List candidate poster files (and trailer videos beside them) under a folder, cheaply (stat
only, no reads)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from poster_assets.corpus.path_text import path_text

IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif"}
)

VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg"})


@dataclass(frozen=True)
class FileEntry:
    """One candidate file. `path` is stored text (`path_text`), whatever bytes the name holds.
    `size`/`ctime_ns` are -1 when stat failed (it is still a candidate, so that the run
    records why it cannot be read instead of losing it silently)."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True)
class Listing:
    files: list[FileEntry]
    ignored_other_extensions: int
    unreadable_dirs: list[str] = field(default_factory=list)
    videos: list[FileEntry] = field(default_factory=list)  # trailers, matched to posters later


def has_image_extension(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS


def has_video_extension(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in VIDEO_EXTENSIONS


def list_image_files(root: str | os.PathLike[str]) -> Listing:
    """Recursively list files with an image extension under `root`, sorted by path, and
    apart from them the videos (trailers).

    Symlinks to files are listed (and followed when read); directories are not followed, so a
    link cycle cannot hang the scan. Dangling links stay in the list and fail visibly later.
    """
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise NotADirectoryError(f"not a directory: {root_path}")
    unreadable: list[str] = []
    files: list[FileEntry] = []
    videos: list[FileEntry] = []
    ignored = 0
    for dirpath, _dirnames, filenames in os.walk(
        root_path, onerror=lambda error: unreadable.append(path_text(error.filename))
    ):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if has_image_extension(name):
                files.append(stat_entry(path))
            elif has_video_extension(name):
                videos.append(stat_entry(path))
            else:
                ignored += 1
    files.sort(key=lambda entry: entry.path)
    videos.sort(key=lambda entry: entry.path)
    return Listing(
        files=files,
        ignored_other_extensions=ignored,
        unreadable_dirs=sorted(unreadable),
        videos=videos,
    )


def stat_entry(path: str) -> FileEntry:
    """`path` as the OS gives it."""
    try:
        info = os.stat(path)
    except OSError:
        return _unstattable_entry(path)
    return FileEntry(
        path=path_text(path),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        ctime_ns=info.st_ctime_ns,
    )


def _unstattable_entry(path: str) -> FileEntry:
    """A dangling link still has a ctime of its own, so a cursor can order it."""
    try:
        ctime_ns = os.lstat(path).st_ctime_ns
    except OSError:
        ctime_ns = -1
    return FileEntry(path=path_text(path), size=-1, mtime_ns=-1, ctime_ns=ctime_ns)
