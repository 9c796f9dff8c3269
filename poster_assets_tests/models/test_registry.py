"""Registering a depth network: a file is registered only after it compiled and ran once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.models.depth import KNOWN_DEPTH_SPECS
from poster_assets.models.registry import (
    InvalidDepthModelError,
    UnknownDepthModelError,
    register_depth_model,
    registered_depth_model,
)
from poster_assets_tests.tiny_networks import tiny_classifier_onnx, tiny_depth_onnx


def test_register_and_read_back(tmp_path: Path) -> None:
    model = tmp_path / "net.onnx"
    tiny_depth_onnx(model)
    assert registered_depth_model(tmp_path / "models") is None
    ref = register_depth_model(tmp_path / "models", "midas-v21-small", model)
    assert registered_depth_model(tmp_path / "models") == ref
    assert ref.version.startswith("midas-v21-small-") and not ref.spec.larger_is_farther
    model.unlink()
    assert registered_depth_model(tmp_path / "models") is None  # its file has gone


def test_unknown_names_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(
        UnknownDepthModelError, match="give its input spec, or use one of depth-anything-v2-small"
    ):
        register_depth_model(tmp_path, "zoedepth", tmp_path)
    with pytest.raises(FileNotFoundError, match="no model file"):
        register_depth_model(tmp_path, "pydnet", tmp_path / "missing.tflite")


def test_files_that_are_not_a_working_depth_network_are_refused(tmp_path: Path) -> None:
    """A Python file, an empty file, a network of another input size and a classifier: each
    refused in one line, and the home's earlier model stays registered."""
    models = tmp_path / "models"
    good = tmp_path / "good.onnx"
    tiny_depth_onnx(good)
    kept = register_depth_model(models, "midas-v21-small", good)
    (tmp_path / "junk.py").write_text("print('not a network')\n")
    (tmp_path / "empty.onnx").write_bytes(b"")
    tiny_depth_onnx(tmp_path / "other-size.onnx", width=128, height=128)
    tiny_classifier_onnx(tmp_path / "classifier.onnx")
    for name in ("junk.py", "empty.onnx", "other-size.onnx", "classifier.onnx"):
        with pytest.raises(InvalidDepthModelError, match="nothing was registered") as refused:
            register_depth_model(models, "midas-v21-small", tmp_path / name)
        assert "\n" not in str(refused.value)
    assert registered_depth_model(models) == kept


def test_any_network_registers_with_its_input_spec_from_the_cli(tmp_path: Path) -> None:
    model = tmp_path / "my-net.onnx"
    tiny_depth_onnx(model, width=640, height=448, layout="NHWC")
    home = tmp_path / "home"
    args = ["models", "use", "my-pydnet", "--path", str(model), "--home", str(home)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "give its input spec" in refused.output
    accepted = CliRunner().invoke(main, [*args, "--input-size", "640x448", "--layout", "NHWC"])
    assert accepted.exit_code == 0, accepted.output
    assert "poster-assets refresh" in accepted.output
    ref = registered_depth_model(home / "models")
    assert ref.name == "my-pydnet" and ref.spec.width == 640 and ref.spec.layout == "NHWC"
    midas = tmp_path / "midas.onnx"
    tiny_depth_onnx(midas)
    inverse = CliRunner().invoke(
        main,
        ["models", "use", "m", "--path", str(midas), "--home", str(home),
         "--input-size", "256x256", "--imagenet-norm", "--inverse"],
    )  # fmt: skip
    assert inverse.exit_code == 0, inverse.output
    assert registered_depth_model(home / "models").spec == KNOWN_DEPTH_SPECS["midas-v21-small"]
    bad = CliRunner().invoke(main, [*args, "--input-size", "big"])
    assert bad.exit_code == 2 and "expected WxH" in bad.output
    zero = CliRunner().invoke(main, [*args, "--input-size", "0x0"])
    assert zero.exit_code == 1 and "too small" in zero.output and "Traceback" not in zero.output
