import math
from dataclasses import replace

import numpy as np
import openvino as ov
import pytest
import torch

from poster_assets.fusion.data import whole
from poster_assets.fusion.export import export_fusion_encoder
from poster_assets.fusion.model import FusionEncoder
from poster_assets.fusion.settings import TASKS, FusionSettings
from poster_assets.fusion.train import Trainer, embed, train_fusion
from poster_assets_tests.fusion.synthetic import synthetic_data


def test_padded_text_and_frames_change_nothing():
    data = synthetic_data()
    encoder = FusionEncoder().eval()
    rows = torch.arange(4)
    tokens = whole(data, rows)
    with torch.no_grad():
        before = encoder.encode(tokens).embedding
        tokens.text = torch.where(tokens.text_valid[..., None], tokens.text, 5.0)  # padding only
        tokens.frames = torch.where(tokens.frame_valid[..., None], tokens.frames, -3.0)
        after = encoder.encode(tokens).embedding
    assert before.shape == (4, 128)
    torch.testing.assert_close(before, after)


def test_a_trailer_changes_its_posters_embedding():
    data = synthetic_data()
    encoder = FusionEncoder().eval()
    with torch.no_grad():
        shown = encoder.encode(whole(data, torch.arange(2))).embedding
        hidden = encoder.encode(whole(data.visible(True, False, False), torch.arange(2)))
    assert not torch.allclose(shown, hidden.embedding)


@pytest.mark.parametrize("task", TASKS)
def test_each_task_gives_a_finite_loss_with_gradients(task):
    trainer = Trainer(synthetic_data(), FusionSettings(tasks=(task,), batch_size=16))
    loss = trainer.loss(task)
    assert loss is not None and math.isfinite(float(loss))
    loss.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in trainer.encoder.parameters())


def test_tasks_with_nothing_to_learn_from_are_left_out_and_say_why():
    data = synthetic_data()
    data.genres = data.genres[:, :0]
    data = data.visible(use_text=True, use_metadata=False, use_trailers=False)
    settings = FusionSettings(tasks=("views", "genres", "trailer_alignment"), steps=3)
    trainer = Trainer(data, settings)
    assert trainer.tasks == ("views",)
    assert trainer.left_out == {
        "genres": "0 training-split posters with genres; needs 2",
        "trailer_alignment": "0 posters with a trailer; needs 2",
    }
    assert trainer.train().left_out == trainer.left_out
    with pytest.raises(ValueError, match="no task can run"):
        Trainer(data, FusionSettings(tasks=("genres",)))


def test_structure_first_trains_structure_alone_for_a_third():
    settings = FusionSettings(("summary", "views", "roles", "labels"), "structure_first", steps=30)
    trainer = Trainer(synthetic_data(), settings)
    assert trainer.active_tasks(0) == ("roles", "labels")
    assert trainer.active_tasks(9) == ("roles", "labels")
    assert trainer.active_tasks(10) == settings.tasks
    with pytest.raises(ValueError, match="schedules"):
        FusionSettings(schedule="never")


def test_training_lowers_the_views_loss_and_is_repeatable():
    data = synthetic_data()
    settings = FusionSettings(tasks=("views",), schedule="joint", steps=40, batch_size=16)
    one, two = train_fusion(data, settings), train_fusion(data, settings)
    assert np.nanmean(one.losses[-10:]) < np.nanmean(one.losses[:10])
    torch.testing.assert_close(embed(one.encoder, data), embed(two.encoder, data))


def test_exported_encoder_matches_pytorch(tmp_path):
    data = synthetic_data()
    result = train_fusion(data, FusionSettings(steps=5, batch_size=16))
    xml = export_fusion_encoder(result.encoder, tmp_path / "fusion.xml")
    compiled = ov.Core().compile_model(str(xml), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    rows = torch.arange(7)
    tokens = whole(data, rows)
    inputs = [
        tokens.patches,
        tokens.text,
        tokens.text_box,
        tokens.text_flags,
        tokens.text_valid.float(),
        tokens.frames,
        tokens.frame_time,
        tokens.frame_valid.float(),
    ]
    exported = compiled([x.numpy() for x in inputs])[0]
    np.testing.assert_allclose(exported, embed(result.encoder, data)[:7].numpy(), atol=1e-4)
    assert replace(data, poster_ids=data.poster_ids)  # the data is untouched
