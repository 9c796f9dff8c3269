"""The fused encoder end to end on generated posters: the token tables against the stored
structure and pixels they came from, `train-fusion` (checkpoint, IR, `models` row, vectors,
probe, loss curves), the IR against PyTorch, a new batch embedded by the newest model, and
`similar --model` over its vectors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from dagster import AssetKey, DagsterInstance

from poster_assets.cli import main
from poster_assets.corpus.metadata import read_metadata_csv
from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.evaluation.fusion_comparison import compare
from poster_assets.fusion.model import FusionEncoder
from poster_assets.fusion.patch_grid import decode_tokens, patch_tokens
from poster_assets.fusion.poster_words import load_word_reduction
from poster_assets.fusion.reduction import load_reduction
from poster_assets.fusion.runtime import FusionRuntime
from poster_assets.fusion.settings import FusionSettings, ModelSettings
from poster_assets.fusion.text_tokens import WORDS_SLOT
from poster_assets.fusion.train import embed
from poster_assets.home import PosterHome
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.embedder import load_image_embedder
from poster_assets.pretraining.fusion_data import load_fusion_data
from poster_assets.runs import ingest_directory
from poster_assets.store.metadata import store_metadata
from poster_assets.store.opening import open_database
from poster_assets.store.trained_models import find_model
from poster_assets_tests.published_pictures import linked_pictures


def _query(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


def test_token_tables_follow_the_pixels_and_structure_they_came_from(plain_home) -> None:  # noqa: ANN001
    home, _ = plain_home
    [(poster_id, path, tokens, shares)] = _query(
        home,
        "SELECT p.poster_id, p.path, t.tokens_f16, t.role_shares FROM patch_tokens t "
        "JOIN posters p USING (poster_id) ORDER BY p.path LIMIT 1",
    )
    rgb = decode_image(read_image_bytes(path)).rgb
    expected = patch_tokens(load_image_embedder().feature_map(rgb))
    np.testing.assert_allclose(decode_tokens(tokens), expected, rtol=1e-2, atol=1e-2)
    [composition] = _query(
        home,
        "SELECT background_share, subject_share, title_text_share, other_text_share "
        f"FROM composition WHERE poster_id = '{poster_id}'",
    )
    mean_shares = np.asarray(shares).reshape(81, 4).mean(0)
    np.testing.assert_allclose(mean_shares, composition, atol=0.03)

    lines = _query(
        home,
        "SELECT poster_id, list(text ORDER BY glyph_height DESC, line_index) FROM ocr_lines "
        "WHERE trim(text) <> '' GROUP BY poster_id",
    )
    tokens_by_poster = dict(_query(
        home, "SELECT poster_id, list(text ORDER BY token_index) FROM text_tokens "
        "WHERE source = 'ocr' GROUP BY poster_id",
    ))  # fmt: skip
    assert lines and all(tokens_by_poster[p] == texts[:16] for p, texts in lines)
    assert _query(home, "SELECT count(*) FROM patch_tokens") == [(30,)]


@pytest.fixture(scope="module")
def fused_home(plain_home, tmp_path_factory: pytest.TempPathFactory) -> tuple[PosterHome, Path]:  # noqa: ANN001
    """A copy of the plain home with genres loaded and a tiny fused encoder trained by the CLI."""
    source, corpus = plain_home
    home = PosterHome(tmp_path_factory.mktemp("fused") / "home")
    shutil.copytree(source.root, home.root)
    store_metadata(open_database(home), read_metadata_csv(corpus / "labels.csv"), "labels.csv")
    args = ["train-fusion", "--home", str(home.root), "--name", "tiny-fusion", "--steps", "24"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    # No trailers here: the model is trained on posters and text, and says so.
    assert "note: no poster has a trailer: trained on posters and text" in result.output
    return home, corpus


def test_training_registers_saves_embeds_and_shows_curves(fused_home) -> None:  # noqa: ANN001
    home, _ = fused_home
    model = find_model(open_database(home), "tiny-fusion")
    assert model is not None and model.kind == "fusion-encoder"
    assert model.config["schedule"] == "joint" and model.config["tasks"] == ["summary"]
    assert (home.root / model.openvino_xml).with_name("token_reduction.npz").exists()
    assert model.lineage["posters"] == 30 and model.metrics["steps"] == 24
    assert model.lineage["posters_with_trailer"] == 0
    assert model.metrics["tasks_left_out"] == {}  # the summary needs no trailer
    for relative in (model.checkpoint, model.openvino_xml):
        assert (home.root / relative).exists()
    assert _query(
        home, "SELECT count(*), min(dimensions), max(dimensions) FROM embeddings "
        "WHERE model = 'tiny-fusion'",
    ) == [(30, 128, 128)]  # fmt: skip
    instance = DagsterInstance.from_config(str(home.dagster_home))
    metadata = instance.get_latest_materialization_event(
        AssetKey("fusion_encoder")
    ).asset_materialization.metadata
    [curves] = linked_pictures(instance, metadata["loss_curves"].value)
    assert curves.width > 300
    probe = instance.get_latest_materialization_event(AssetKey("fusion_genre_probe"))
    assert probe.asset_materialization.metadata["model"].value == "tiny-fusion"


def test_the_ir_the_checkpoint_and_the_stored_vectors_agree(fused_home) -> None:  # noqa: ANN001
    home, _ = fused_home
    db = open_database(home)
    model = find_model(db, "tiny-fusion")
    folder = (home.root / model.openvino_xml).parent
    reduction = load_reduction(folder / "token_reduction.npz")
    words = load_word_reduction(folder / "word_reduction.npz")
    assert words is not None  # the posters have words: the model has its reduction
    data = load_fusion_data(db, reduction, words=words).visible(True, False)
    assert data.text_valid[:, WORDS_SLOT].any()
    saved = torch.load(home.root / model.checkpoint, weights_only=True)
    encoder = FusionEncoder(ModelSettings(**saved["config"]["model"]))
    encoder.load_state_dict(saved["encoder"])
    from_torch = embed(encoder, data).numpy()
    runtime = FusionRuntime("tiny-fusion", home.root / model.openvino_xml, None)
    np.testing.assert_allclose(runtime.embed(data), from_torch, atol=1e-4)
    stored = dict(
        _query(home, "SELECT poster_id, vector FROM embeddings WHERE model = 'tiny-fusion'")
    )
    np.testing.assert_allclose(
        np.stack([stored[poster_id] for poster_id in data.poster_ids]), from_torch, atol=1e-5
    )
    assert FusionSettings().tasks == tuple(saved["config"]["tasks"])


def test_a_new_batch_is_embedded_and_found_by_similar(fused_home, tmp_path: Path) -> None:  # noqa: ANN001
    home, _ = fused_home
    generate_demo_corpus(tmp_path, count=3, seed=23)
    assert ingest_directory(home, tmp_path / "images").failed_runs == []
    assert _query(home, "SELECT count(*) FROM embeddings WHERE model = 'tiny-fusion'") == [(33,)]
    [(poster_id,)] = _query(home, "SELECT poster_id FROM posters ORDER BY path LIMIT 1")
    args = ["similar", poster_id, "--home", str(home.root), "--model", "tiny-fusion", "-k", "3",
            "--json"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 3


def test_ablations_are_compared_with_imagenet_by_the_probe(fused_home) -> None:  # noqa: ANN001
    home, corpus = fused_home
    report = compare(
        home, corpus, steps=6, seeds=[0], configs=["genre_supervised"], min_train_positives=3,
    )  # fmt: skip
    assert report["labelled"] >= 30 and report["train"] + report["test"] == report["labelled"]
    results = report["results"]
    assert {"imagenet_poster_1280", "imagenet_poster_pca128"} <= set(results)
    assert len(results["genre_supervised"]["per_seed"]) == 1
    assert 0 <= results["genre_supervised"]["mAP_mean"] <= 1
