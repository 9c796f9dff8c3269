"""Training the fused encoder against a home: train on every poster's stored tokens, save
the checkpoint, the OpenVINO IR and the loss curves under the home, register the model, and
write every poster's 128-d vector; later batches are embedded with the IR (`embed_batch`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from poster_assets.fusion.export import export_fusion_encoder
from poster_assets.fusion.poster_words import load_word_reduction
from poster_assets.fusion.reduction import load_reduction
from poster_assets.fusion.runtime import FusionRuntime
from poster_assets.fusion.train import (
    FusionResult,
    FusionSettings,
    embed,
    prepared_data,
    train_fusion,
)
from poster_assets.home import PosterHome
from poster_assets.pretraining.fusion_data import load_fusion_data
from poster_assets.pretraining.pretrain import MODEL_NAME_PATTERN, PretrainingError
from poster_assets.ssl.loss_plot import curves_png
from poster_assets.store.database import PosterDatabase
from poster_assets.store.model_vectors import posters_without_vectors, replace_model_vectors
from poster_assets.store.trained_models import TrainedModel, now, register_model

FUSION_MODEL_KIND = "fusion-encoder"
REDUCTION_FILE = "token_reduction.npz"  # beside the IR
WORDS_FILE = "word_reduction.npz"  # beside the IR, where the model has one


@dataclass(frozen=True)
class FusionOutcome:
    model: TrainedModel
    result: FusionResult
    loss_plot_png: bytes
    embedded: int


def fusion_dir(home: PosterHome, model_name: str) -> Path:
    return home.models_dir / "fusion" / model_name


def train_fusion_model(
    home: PosterHome, db: PosterDatabase, settings: FusionSettings, model_name: str,
    show_progress: bool = False,
) -> FusionOutcome:  # fmt: skip
    if not MODEL_NAME_PATTERN.fullmatch(model_name):
        raise PretrainingError(
            f"model name {model_name!r}: use 1-64 letters, digits, '.', '_' or '-' "
            "(it names a folder)"
        )
    data = load_fusion_data(db)
    if len(data) < 2:
        raise PretrainingError(f"only {len(data)} posters with tokens: too few to train on")
    result = train_fusion(data, settings, show_progress)
    folder = fusion_dir(home, model_name)
    folder.mkdir(parents=True, exist_ok=True)
    config = asdict(settings)
    data.reduction.save(folder / REDUCTION_FILE)
    if data.words is not None:
        data.words.save(folder / WORDS_FILE)
    checkpoint = folder / "encoder.pt"
    torch.save({"encoder": result.encoder.state_dict(), "config": config}, checkpoint)
    xml = export_fusion_encoder(result.encoder, folder / "encoder.xml")
    curves = {"loss (sampled task)": result.losses} | result.task_losses
    plot = curves_png(curves, f"{model_name}: {settings.schedule}, {len(data)} posters")
    (folder / "loss_curves.png").write_bytes(plot)
    final = max(1, len(result.losses) // 10)
    tail = [loss for loss in result.losses[-final:] if loss == loss]
    model = TrainedModel(
        model_name=model_name,
        kind=FUSION_MODEL_KIND,
        config=config,
        lineage={
            "posters": len(data),
            "posters_with_text": int(data.text_valid.any(1).sum()),
            "posters_with_trailer": int(data.frame_valid.any(1).sum()),
            "token_tables": ["patch_tokens", "text_tokens", "trailer_frames"],
        },
        metrics={
            "final_loss": sum(tail) / max(1, len(tail)),
            "steps": len(result.losses),
            "tasks_left_out": result.left_out,
        },
        checkpoint=str(checkpoint.relative_to(home.root)),
        openvino_xml=str(xml.relative_to(home.root)),
        input_size=0,  # tokens, not pixels
        train_seconds=round(result.seconds, 2),
        created_at=now(),
    )
    register_model(db, model)
    vectors = embed(result.encoder, prepared_data(data, settings)).numpy()
    replace_model_vectors(db, model_name, data.poster_ids, vectors)
    return FusionOutcome(model, result, plot, len(data))


def embed_batch(home: PosterHome, db: PosterDatabase, model: TrainedModel, batch_id: str) -> int:
    """The batch's posters that have tokens but no vector of the model yet, embedded with its
    IR: how many."""
    todo = posters_without_vectors(db, model.model_name, batch_id)
    if not todo:
        return 0
    folder = (home.root / model.openvino_xml).parent
    reduction = load_reduction(folder / REDUCTION_FILE)
    data = load_fusion_data(db, reduction, todo, words=load_word_reduction(folder / WORDS_FILE))
    runtime = FusionRuntime(
        model.model_name, home.root / model.openvino_xml, home.openvino_cache_dir
    )
    config = model.config
    shown = data.visible(
        config["use_text"], config["use_metadata"], config.get("use_trailers", False)
    )  # models trained before trailers have no use_trailers: they never saw frames
    vectors = runtime.embed(shown)
    replace_model_vectors(db, model.model_name, data.poster_ids, vectors)
    return len(data)
