"""The recogniser's final layer cut to the characters of Latin-script posters: which classes
stay, and that the cut network scores those classes as the whole one did."""

from __future__ import annotations

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from poster_assets.models.recogniser_classes import (
    RecogniserCharacters,
    kept_classes,
    restrict_output_classes,
)

CHARACTERS = ["blank", "A", "é", "中", "Ω", "★", "文", "€", "ab", " "]


def test_latin_keeps_blank_space_and_latin_script_characters_in_order() -> None:
    kept = kept_classes(CHARACTERS, RecogniserCharacters.LATIN)
    assert [CHARACTERS[index] for index in kept] == ["blank", "A", "é", "Ω", "★", "€", " "]
    assert list(kept_classes(CHARACTERS, RecogniserCharacters.ALL)) == list(range(10))


def _classifier(classes: int) -> tuple[ov.Model, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(4, classes)).astype(np.float32)
    bias = rng.normal(size=classes).astype(np.float32)
    features = ops.parameter([1, 3, 4], np.float32)
    logits = ops.add(ops.matmul(features, ops.constant(weights), False, False), bias)
    return ov.Model([ops.softmax(logits, -1)], [features]), weights, bias


def test_the_cut_network_scores_the_kept_classes_as_the_whole_one() -> None:
    model, weights, bias = _classifier(10)
    keep = np.array([0, 2, 3, 9])
    restrict_output_classes(model, keep, 10)
    features = np.linspace(-1, 1, 12, dtype=np.float32).reshape(1, 3, 4)
    exact = {"INFERENCE_PRECISION_HINT": "f32"}
    scores = ov.Core().compile_model(model, "CPU", exact)(features)[0]
    logits = features @ weights[:, keep] + bias[keep]
    expected = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    assert scores.shape == (1, 3, 4)
    np.testing.assert_allclose(scores, expected, rtol=1e-5)


def test_a_network_without_such_a_layer_is_refused() -> None:
    model, _, _ = _classifier(10)
    with pytest.raises(ValueError, match="no final layer of 12 classes"):
        restrict_output_classes(model, np.arange(3), 12)
