"""`models pull` against a local HTTP server serving a tiny ONNX network the test builds:
download, sha256 check, cache, conversion to OpenVINO IR, registration, and real inference."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from poster_assets.models.catalogue import CATALOGUE, PullableModel
from poster_assets.models.depth import DepthEstimator
from poster_assets.models.pull import ModelPullError, pull_depth_model
from poster_assets.models.registry import registered_depth_model
from poster_assets_tests.tiny_networks import tiny_depth_onnx


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, sha256) of the tiny networks served from 127.0.0.1: MiDaS-shaped
    (`tiny.onnx`, 256 px) and Depth Anything-shaped (`tiny518.onnx`, 518 px)."""
    root = tmp_path / "www"
    root.mkdir()
    data = tiny_depth_onnx(root / "tiny.onnx")
    tiny_depth_onnx(root / "tiny518.onnx", 518, 518)
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _CountingHandler(*a, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hashlib.sha256(data).hexdigest()
    server.shutdown()


def _entry(base: str, sha256: str) -> PullableModel:
    return PullableModel("midas-v21-small", f"{base}/tiny.onnx", sha256, "tiny.onnx", "MIT")


def test_pull_downloads_verifies_converts_registers_and_caches(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, sha256 = served
    models_dir = tmp_path / "models"
    ref = pull_depth_model(_entry(base, sha256), models_dir)
    assert ref.path == models_dir / "midas-v21-small.xml"
    assert ref.path.exists() and ref.path.with_suffix(".bin").exists()
    assert registered_depth_model(models_dir) == ref
    rgb = np.zeros((90, 60, 3), np.uint8)
    rgb[:45] = 255
    depth = DepthEstimator(ref).predict(rgb)
    assert depth.shape == (90, 60) and depth[10, 30] > depth[80, 30]

    pull_depth_model(_entry(base, sha256), models_dir)  # cached: no second download
    assert _CountingHandler.requests == ["/tiny.onnx"]


def test_a_wrong_hash_is_refused_and_nothing_is_registered(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, _ = served
    with pytest.raises(ModelPullError, match="could not fetch midas-v21-small"):
        pull_depth_model(_entry(base, "0" * 64), tmp_path / "models")
    assert registered_depth_model(tmp_path / "models") is None
    assert not list((tmp_path / "models" / "downloads").glob("*.onnx"))


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    entry = _entry("http://127.0.0.1:9", "0" * 64)  # the discard port: nothing listens
    with pytest.raises(ModelPullError, match=r"http://127.0.0.1:9/tiny.onnx"):
        pull_depth_model(entry, tmp_path / "models")


def test_depth_anything_is_pulled_with_the_hash_its_user_gives(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, _ = served
    entry = replace(CATALOGUE["depth-anything-v2-small"], url=f"{base}/tiny518.onnx")
    models_dir = tmp_path / "models"
    with pytest.raises(ModelPullError, match="no sha256 is pinned .* pass --sha256"):
        pull_depth_model(entry, models_dir)
    with pytest.raises(ModelPullError, match="not 64 hexadecimal digits"):
        pull_depth_model(entry, models_dir, "abc")
    assert _CountingHandler.requests == []  # nothing fetched without a hash to check
    data = (tmp_path / "www" / "tiny518.onnx").read_bytes()
    ref = pull_depth_model(entry, models_dir, hashlib.sha256(data).hexdigest().upper())
    assert ref.name == "depth-anything-v2-small" and (ref.spec.width, ref.spec.height) == (518, 518)
    assert registered_depth_model(models_dir) == ref
    rgb = np.zeros((90, 60, 3), np.uint8)
    rgb[:45] = 255
    depth = DepthEstimator(ref).predict(rgb)
    assert depth.shape == (90, 60) and depth[10, 30] > depth[80, 30]


def test_a_given_hash_may_not_override_a_pinned_one(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, sha256 = served
    with pytest.raises(ModelPullError, match="differs from the hash pinned"):
        pull_depth_model(_entry(base, sha256), tmp_path / "models", "f" * 64)
