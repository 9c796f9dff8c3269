"""The `models` table: one row per trained encoder, with what it was trained on and how it
scored; the newest is the one new posters are embedded with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from poster_assets.store.database import PosterDatabase


@dataclass(frozen=True)
class TrainedModel:
    model_name: str
    kind: str
    config: dict
    lineage: dict
    metrics: dict
    checkpoint: str
    openvino_xml: str
    input_size: int
    train_seconds: float
    created_at: datetime

    @property
    def version(self) -> str:
        """Changes whenever the model is retrained under the same name."""
        return f"{self.model_name}@{self.created_at.isoformat()}"


def register_model(db: PosterDatabase, model: TrainedModel) -> None:
    """Insert or replace the model's row, and drop vectors a former model of that name made."""
    with db.write() as connection:
        connection.execute("DELETE FROM models WHERE model_name = ?", [model.model_name])
        connection.execute("DELETE FROM embeddings WHERE model = ?", [model.model_name])
        connection.execute(
            "INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                model.model_name,
                model.kind,
                json.dumps(model.config),
                json.dumps(model.lineage),
                json.dumps(model.metrics),
                model.checkpoint,
                model.openvino_xml,
                model.input_size,
                model.train_seconds,
                model.created_at,
            ],
        )


def _model(row: tuple) -> TrainedModel:
    name, kind, config, lineage, metrics, checkpoint, xml, size, seconds, created = row
    return TrainedModel(
        name, kind, json.loads(config), json.loads(lineage), json.loads(metrics),
        checkpoint, xml, size, seconds, created.astimezone(UTC),
    )  # fmt: skip


def newest_model(db: PosterDatabase, kind: str) -> TrainedModel | None:
    with db.read() as connection:
        row = connection.execute(
            "SELECT * FROM models WHERE kind = ? ORDER BY created_at DESC LIMIT 1", [kind]
        ).fetchall()
    return _model(row[0]) if row else None


def find_model(db: PosterDatabase, model_name: str) -> TrainedModel | None:
    with db.read() as connection:
        row = connection.execute(
            "SELECT * FROM models WHERE model_name = ?", [model_name]
        ).fetchall()
    return _model(row[0]) if row else None


def add_metrics(db: PosterDatabase, model_name: str, metrics: dict) -> None:
    """Merge `metrics` into the model's metrics (e.g. probe scores after training)."""
    with db.write() as connection:
        stored = connection.execute(
            "SELECT metrics FROM models WHERE model_name = ?", [model_name]
        ).fetchall()
        if not stored:
            raise KeyError(f"no model named {model_name!r}")
        merged = json.loads(stored[0][0]) | metrics
        connection.execute(
            "UPDATE models SET metrics = ? WHERE model_name = ?", [json.dumps(merged), model_name]
        )


def now() -> datetime:
    return datetime.now(UTC)
