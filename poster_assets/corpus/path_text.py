"""File paths as text the store can hold, losslessly. A POSIX file name is any bytes; DuckDB's
VARCHAR is UTF-8 and refuses Python's surrogate-escaped names (`bad\\udcffname.jpg`), which
aborted a whole ingest. Stored text writes a byte that is not UTF-8 as `\\xff` and a backslash as
`\\\\`; every other path (nearly all) is stored unchanged."""

from __future__ import annotations

import os
import re

_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")


def path_text(path: str | os.PathLike[str]) -> str:
    """What the store keeps for a path as the OS gave it."""
    raw = os.fsencode(path)
    if b"\\" not in raw:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def os_path(text: str) -> str:
    """The path to open for stored text (the inverse of `path_text`)."""
    if "\\" not in text:
        return text
    raw = bytearray()
    position = 0
    for escape in _ESCAPE.finditer(text):
        raw += text[position : escape.start()].encode("utf-8")
        code = escape.group(1)
        raw += b"\\" if code == "\\" else bytes([int(code[1:], 16)])
        position = escape.end()
    raw += text[position:].encode("utf-8")
    return os.fsdecode(bytes(raw))
