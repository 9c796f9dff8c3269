"""One pretraining run against a home: train on every readable poster with the stored training
sets, save the checkpoint, the OpenVINO IR and the loss curves under the home, register the
model, and embed every poster with the exported encoder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from poster_assets.errors import PosterAssetsError
from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.models.ssl_encoder import load_trained_encoder
from poster_assets.pretraining.stored_sets import SET_BUILDERS, load_targets
from poster_assets.ssl.checkpoint import save_checkpoint, settings_dict
from poster_assets.ssl.data import load_readable_posters
from poster_assets.ssl.export import export_encoder
from poster_assets.ssl.loss_plot import loss_curves_png
from poster_assets.ssl.train import TrainResult, TrainSettings, train_encoder
from poster_assets.stages.runner import PosterRef, run_stage
from poster_assets.stages.ssl_embeddings import SSL_EMBEDDINGS_STAGE, prepare_ssl_embeddings
from poster_assets.stages.tables import EMBEDDINGS
from poster_assets.store.database import PosterDatabase
from poster_assets.store.stages import replace_stage_rows
from poster_assets.store.trained_models import TrainedModel, now, register_model
from poster_assets.store.training_inputs import all_posters, training_set_sizes

SSL_MODEL_KIND = "ssl-encoder"
TASK_TABLES = {
    "subject_views": "ssl_view_pairs",
    "labels": "ssl_labels",
    "layer_patches": "ssl_layer_patches",
    "salient_crops": "ssl_salient_crops",
    "text_image": "ssl_text_pairs",
}


class PretrainingError(PosterAssetsError, ValueError):
    """Pretraining cannot start: a bad model name, no posters, or empty training sets."""


MODEL_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class PretrainOutcome:
    model: TrainedModel
    result: TrainResult
    loss_plot_png: bytes
    skipped: list[tuple[str, str]]  # (path, reason) of posters that could not be read
    embedded: int
    embedding_failures: int


def model_dir(home: PosterHome, model_name: str) -> Path:
    return home.models_dir / "ssl" / model_name


def embed_posters(
    home: PosterHome,
    db: PosterDatabase,
    model: TrainedModel,
    posters: list[tuple[str, str, str, int, int]],
    show_progress: bool = False,
) -> tuple[int, int]:
    """Embed (poster_id, path, batch_id, width, height) with the model's IR, batch by batch,
    replacing only this model's vectors: (embedded, failed)."""
    prepared = prepare_ssl_embeddings(
        model.model_name, model.version, lambda: load_trained_encoder(home, model)
    )
    process = prepared.load()
    embedded = failed = 0
    by_batch: dict[str, list[PosterRef]] = {}
    copies = PosterCopies(home.poster_copies_dir)
    for poster_id, path, batch_id, width, height in posters:
        by_batch.setdefault(batch_id, []).append(PosterRef(poster_id, path, width, height))
    for batch_id, refs in sorted(by_batch.items()):
        result = run_stage(
            refs, batch_id=batch_id, stage=SSL_EMBEDDINGS_STAGE, tables=[EMBEDDINGS],
            process=process, show_progress=show_progress, copies=copies,
        )  # fmt: skip
        replace_stage_rows(
            db, stage=SSL_EMBEDDINGS_STAGE, version=model.version, batch_id=batch_id,
            tables=result.tables, done=result.done, failures=result.failures,
            seconds=dict(zip([ref.poster_id for ref in refs], result.seconds, strict=True)),
            only_where=("model", model.model_name),
        )  # fmt: skip
        embedded += len(result.done)
        failed += len(result.failures)
    return embedded, failed


def pretrain(
    home: PosterHome,
    db: PosterDatabase,
    settings: TrainSettings,
    model_name: str,
    show_progress: bool = False,
) -> PretrainOutcome:
    if not MODEL_NAME_PATTERN.fullmatch(model_name):
        raise PretrainingError(
            f"model name {model_name!r}: use 1-64 letters, digits, '.', '_' or '-' "
            "(it names a folder)"
        )
    posters = all_posters(db)
    if not posters:
        raise PretrainingError("the store has no posters: ingest some before pretraining")
    copies = PosterCopies(home.poster_copies_dir)
    images, kept, skipped = load_readable_posters(
        [copies.source(poster[0], poster[1]) for poster in posters]
    )
    if len(kept) < settings.batch_size:
        raise PretrainingError(
            f"only {len(kept)} readable posters, fewer than one batch of {settings.batch_size}"
        )
    sizes = training_set_sizes(db, list(SET_BUILDERS))
    empty = [
        f"{task} needs {TASK_TABLES[task]}"
        for task in settings.tasks
        if not sizes[TASK_TABLES[task]]
    ]
    if empty:
        raise PretrainingError(f"empty training sets ({'; '.join(empty)}): materialize them first")
    ids = [posters[index][0] for index in kept]
    result = train_encoder(images, settings, load_targets(db, ids), show_progress=show_progress)
    folder = model_dir(home, model_name)
    checkpoint = save_checkpoint(result, settings, folder / "encoder.pt")
    xml = export_encoder(result.model.encoder, folder / "encoder.xml", settings.views.size)
    plot = loss_curves_png(result, f"{model_name}: {settings.schedule}, {len(ids)} posters")
    (folder / "loss_curves.png").write_bytes(plot)
    final = max(1, len(result.losses) // 10)
    model = TrainedModel(
        model_name=model_name,
        kind=SSL_MODEL_KIND,
        config=settings_dict(settings),
        lineage={"posters": len(ids), "training_sets": sizes},
        metrics={"final_loss": sum(result.losses[-final:]) / final, "steps": len(result.losses)},
        checkpoint=str(checkpoint.relative_to(home.root)),  # relative: homes can move
        openvino_xml=str(xml.relative_to(home.root)),
        input_size=settings.views.size,
        train_seconds=round(result.seconds, 2),
        created_at=now(),
    )
    register_model(db, model)
    embedded, failed = embed_posters(home, db, model, posters, show_progress)
    return PretrainOutcome(model, result, plot, skipped, embedded, failed)
