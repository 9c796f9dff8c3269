"""SimSiam pieces: the loss (symmetric, stop-gradient), head and view shapes, a short seeded
training run on generated posters that must lower the loss, and the OpenVINO export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import pytest
import torch

from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.models.packaged import MOBILENET_V2_IMAGENET
from poster_assets.ssl.augment import ViewSettings, crop_and_resize, poster_views
from poster_assets.ssl.data import load_posters
from poster_assets.ssl.encoder import PosterEncoder
from poster_assets.ssl.export import export_encoder
from poster_assets.ssl.mobilenet_v2 import (
    MobileNetV2Encoder,
    imagenet_encoder,
    imagenet_mobilenet_v2,
)
from poster_assets.ssl.simsiam import PROJECTION_DIM, SimSiam, negative_cosine, simsiam_loss
from poster_assets.ssl.train import TrainSettings, train_encoder


def test_the_loss_is_symmetric_in_the_two_views() -> None:
    p1, p2, z1, z2 = torch.randn(4, 8, 16).unbind(0)
    assert simsiam_loss(p1, p2, z1, z2) == pytest.approx(float(simsiam_loss(p2, p1, z2, z1)))
    assert float(negative_cosine(z1, z1)) == pytest.approx(-1.0)


def test_no_gradient_reaches_the_target_branch() -> None:
    prediction = torch.randn(4, 8, requires_grad=True)
    target = torch.randn(4, 8, requires_grad=True)
    negative_cosine(prediction, target).backward()
    assert prediction.grad is not None and prediction.grad.abs().sum() > 0
    assert target.grad is None


def test_heads_and_encoder_give_the_documented_shapes() -> None:
    model = SimSiam()
    views = torch.rand(2, 5, 3, 128, 128)
    p1, p2, z1, z2 = model(views[0], views[1])
    assert p1.shape == p2.shape == z1.shape == z2.shape == (5, PROJECTION_DIM)
    assert model.encoder(views[0]).shape == (5, model.encoder.feature_dim)


def test_views_are_square_crops_in_range_and_never_mirrored() -> None:
    generator = torch.Generator().manual_seed(0)
    posters = torch.rand(6, 3, 192, 128)
    views = poster_views(posters, ViewSettings(size=96), generator)
    assert views.shape == (6, 3, 96, 96) and views.min() >= 0 and views.max() <= 1
    ramp = torch.linspace(0, 1, 64).view(1, 1, 1, 64).expand(1, 3, 64, 64).contiguous()
    whole = crop_and_resize(ramp, torch.tensor([[0.0, 0.0, 1.0, 1.0]]), 64)
    assert torch.allclose(whole, ramp, atol=1e-5)  # left stays left: no flip
    left_half = crop_and_resize(ramp, torch.tensor([[0.0, 0.0, 0.5, 1.0]]), 64)
    assert float(left_half.max()) <= 0.52


@pytest.fixture(scope="module")
def posters(tmp_path_factory: pytest.TempPathFactory) -> torch.Tensor:
    corpus = tmp_path_factory.mktemp("ssl_corpus")
    generate_demo_corpus(corpus, count=32, seed=4)
    return load_posters(sorted(str(path) for path in (corpus / "images").glob("*.jpg")))


def test_a_short_run_lowers_the_loss(posters: torch.Tensor) -> None:
    settings = TrainSettings(
        epochs=8, batch_size=16, learning_rate=3.0, seed=3, views=ViewSettings(size=64)
    )
    losses = train_encoder(posters, settings).losses
    assert len(losses) == 16
    assert np.mean(losses[-4:]) < np.mean(losses[:4]) - 0.05


def test_the_same_seed_trains_the_same_weights(posters: torch.Tensor) -> None:
    settings = TrainSettings(epochs=1, batch_size=16, seed=5, views=ViewSettings(size=48))
    first, again = train_encoder(posters, settings), train_encoder(posters, settings)
    assert first.losses == again.losses
    for a, b in zip(first.model.parameters(), again.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_the_openvino_export_embeds_like_pytorch(tmp_path: Path) -> None:
    torch.manual_seed(0)
    encoder = PosterEncoder().eval()
    path = export_encoder(encoder, tmp_path / "encoder.xml", size=96)
    images = torch.rand(3, 3, 96, 96)
    with torch.no_grad():
        expected = encoder(images).numpy()
    compiled = ov.Core().compile_model(str(path), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    got = np.asarray(compiled(images.numpy())[compiled.outputs[0]])
    assert np.allclose(got, expected, atol=1e-4)


def test_mobilenet_v2_takes_the_packaged_imagenet_weights_exactly() -> None:
    weights = MOBILENET_V2_IMAGENET.path()
    network = imagenet_mobilenet_v2(weights)  # strict: every tensor name and shape must match
    assert sum(parameter.numel() for parameter in network.parameters()) == 3_504_872
    encoder = imagenet_encoder(weights).eval()
    fresh = MobileNetV2Encoder().eval()
    images = torch.rand(2, 3, 96, 96)
    with torch.no_grad():
        features = encoder(images)
        assert features.shape == (2, 1280)
        assert not torch.allclose(features, fresh(images))
    first = encoder.features[0][0].weight
    assert torch.equal(first, network.features[0][0].weight)
