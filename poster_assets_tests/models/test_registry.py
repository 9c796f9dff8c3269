from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.models.depth import KNOWN_DEPTH_SPECS
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
    with pytest.raises(
        UnknownDepthModelError, match="give its input spec, or use one of depth-anything-v2-small"
    ):
        register_depth_model(tmp_path, "zoedepth", tmp_path)
    with pytest.raises(FileNotFoundError, match="no model file"):
        register_depth_model(tmp_path, "pydnet", tmp_path / "missing.tflite")


def test_any_network_registers_with_its_input_spec_from_the_cli(tmp_path: Path) -> None:
    model = tmp_path / "my-net.tflite"
    model.write_bytes(b"weights")
    home = tmp_path / "home"
    args = ["models", "use", "my-pydnet", "--path", str(model), "--home", str(home)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "give its input spec" in refused.output
    spec_args = ["--input-size", "640x448", "--layout", "NHWC",
                 "--output", "PSD/resize_images/ResizeBilinear"]  # fmt: skip
    accepted = CliRunner().invoke(main, args + spec_args)
    assert accepted.exit_code == 0, accepted.output
    ref = registered_depth_model(home / "models")
    assert ref.name == "my-pydnet" and ref.spec == KNOWN_DEPTH_SPECS["pydnet"]
    inverse = CliRunner().invoke(
        main, [*args, "--input-size", "256x256", "--imagenet-norm", "--inverse"]
    )
    assert inverse.exit_code == 0
    assert registered_depth_model(home / "models").spec == KNOWN_DEPTH_SPECS["midas-v21-small"]
    bad = CliRunner().invoke(main, [*args, "--input-size", "big"])
    assert bad.exit_code == 2 and "expected WxH" in bad.output
