"""Depth networks that `poster-assets models pull NAME` can fetch: public URL, pinned sha256,
licence. A download whose hash differs is refused and deleted, never run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PullableModel:
    name: str  # also the key of its input spec in KNOWN_DEPTH_SPECS
    url: str
    sha256: str | None  # None: not pinned here; `models pull --sha256` gives it
    file_name: str
    licence: str


CATALOGUE: dict[str, PullableModel] = {
    entry.name: entry
    for entry in (
        PullableModel(
            name="midas-v21-small",
            url="https://github.com/isl-org/MiDaS/releases/download/v2_1/model-small.onnx",
            # Pinned as published with this release asset elsewhere; this project's machines
            # have no network, so it was not re-hashed here: a mismatch fails loudly.
            sha256="2d8c6cb8f415229daf1eb041024208e2608c9f98e17c81cc7c6ecb449c56fd58",
            file_name="midas-v21-small.onnx",
            licence="MIT",
        ),
        PullableModel(
            name="depth-anything-v2-small",
            url="https://github.com/fabio-sim/Depth-Anything-ONNX/releases/download/v2.0.0/"
            "depth_anything_v2_vits.onnx",
            # No published hash could be read from these offline machines, and an unchecked
            # download is never run: the release page lists each file's sha256, which
            # `models pull depth-anything-v2-small --sha256 HEX` takes.
            sha256=None,
            file_name="depth-anything-v2-small.onnx",
            licence="Apache-2.0",
        ),
    )
}
