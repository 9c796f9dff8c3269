"""Tiny real ONNX networks the tests build (OpenVINO compiles and runs them): depth-shaped
ones for the registry and `models pull`, and one that answers with no depth map."""

from __future__ import annotations

from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx", reason="the onnx package builds the tiny test networks")


def _saved(path: Path, node: object, image_shape: list[int], output_shape: list[int]) -> bytes:
    helper = onnx.helper
    graph = helper.make_graph(
        [node],
        "tiny",
        [helper.make_tensor_value_info("image", onnx.TensorProto.FLOAT, image_shape)],
        [helper.make_tensor_value_info("out", onnx.TensorProto.FLOAT, output_shape)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, str(path))
    return path.read_bytes()


def tiny_depth_onnx(path: Path, width: int = 256, height: int = 256, layout: str = "NCHW") -> bytes:
    """An image -> 1xHxW 'depth' (the channel mean): MiDaS-shaped by default."""
    nchw = layout == "NCHW"
    shape = [1, 3, height, width] if nchw else [1, height, width, 3]
    node = onnx.helper.make_node(
        "ReduceMean", ["image"], ["out"], axes=[1 if nchw else 3], keepdims=0
    )
    return _saved(path, node, shape, [1, height, width])


def tiny_classifier_onnx(path: Path) -> bytes:
    """1x3x256x256 -> 1x3 (each channel's mean): runs, but gives no depth map."""
    node = onnx.helper.make_node("ReduceMean", ["image"], ["out"], axes=[2, 3], keepdims=0)
    return _saved(path, node, [1, 3, 256, 256], [1, 3])
