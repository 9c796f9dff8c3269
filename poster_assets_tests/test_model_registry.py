from __future__ import annotations

from pathlib import Path

import pytest

from poster_assets.models.registry import (
    UnknownDepthModelError,
    register_depth_model,
    registered_depth_model,
)


def test_register_and_read_back(tmp_path: Path) -> None:
    model = tmp_path / "net.onnx"
    model.write_bytes(b"weights")
    assert registered_depth_model(tmp_path / "models") is None
    ref = register_depth_model(tmp_path / "models", "midas-v21-small", model)
    assert registered_depth_model(tmp_path / "models") == ref
    assert ref.version.startswith("midas-v21-small-") and not ref.spec.larger_is_farther
    model.unlink()
    assert registered_depth_model(tmp_path / "models") is None  # its file has gone


def test_unknown_names_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownDepthModelError, match="known: depth-anything-v2-small"):
        register_depth_model(tmp_path, "zoedepth", tmp_path)
    with pytest.raises(FileNotFoundError, match="no model file"):
        register_depth_model(tmp_path, "pydnet", tmp_path / "missing.tflite")
