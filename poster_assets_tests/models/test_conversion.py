"""Model conversion leaves OpenVINO's usage telemetry off (its sends fork from our threads)."""

from __future__ import annotations

import os

import openvino_telemetry
import pytest
import torch

from poster_assets.models.conversion import convert_model


def test_conversion_sends_no_telemetry_and_restores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    model = convert_model(torch.nn.Linear(4, 2).eval(), example_input=torch.zeros(1, 4))
    assert [str(output.get_partial_shape()) for output in model.outputs] == ["[?,2]"]
    assert openvino_telemetry.Telemetry().consent is False
    assert "CI" not in os.environ
