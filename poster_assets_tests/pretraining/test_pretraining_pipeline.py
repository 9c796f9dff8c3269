"""Pretraining end to end on generated posters: the training sets against the stored structure
they came from, the `pretrain` job (checkpoint, IR, `models` row, embeddings, probe, loss
curves), new batches embedded with the trained encoder, `eval ssl`, and the comparison."""

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
from poster_assets.evaluation.ssl_comparison import compare_configs
from poster_assets.home import PosterHome
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.ssl_encoder import encoder_input, load_ssl_encoder
from poster_assets.pretraining.pretrain import pretrain
from poster_assets.pretraining.stored_sets import store_training_sets
from poster_assets.pretraining.training_sets import SetSettings, curriculum_labels
from poster_assets.runs import ingest_directory
from poster_assets.ssl.checkpoint import load_encoder
from poster_assets.ssl.sampling import box_mask, mask_share, subject_kept
from poster_assets.ssl.task_names import TASKS
from poster_assets.ssl.train import TrainSettings
from poster_assets.store.metadata import store_metadata
from poster_assets.store.opening import open_database
from poster_assets.store.stages import load_foreground_masks, load_layer_maps
from poster_assets.store.trained_models import find_model
from poster_assets.store.whole_tables import read_table
from poster_assets_tests.published_pictures import linked_pictures


def _query(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


def test_training_sets_agree_with_the_structure_they_came_from(plain_home) -> None:  # noqa: ANN001
    home, _ = plain_home
    db = open_database(home)
    written = store_training_sets(db, SetSettings(seed=1))
    assert written["ssl_view_pairs"] == 30 * 8 and written["ssl_labels"] == 30
    masks = load_foreground_masks(
        db, [row[0] for row in _query(home, "SELECT poster_id FROM posters")]
    )

    pairs = read_table(db, "ssl_view_pairs")
    for row in pairs.itertuples():
        for box, kept in ((row.box_a, row.kept_a), (row.box_b, row.kept_b)):
            assert subject_kept(masks[row.poster_id], np.array(box)) == pytest.approx(kept)
    assert (pairs[["kept_a", "kept_b"]] >= 0.5).mean().min() > 0.9

    patches = read_table(db, "ssl_layer_patches")
    assert set(patches["source"]) == {"foreground-mask"}  # no depth model in this home
    titles = {row[0]: row[1:] for row in _query(
        home, "SELECT t.poster_id, t.x0 / p.width, t.y0 / p.height, t.x1 / p.width, "
        "t.y1 / p.height FROM titles t JOIN posters p USING (poster_id) WHERE t.title_text <> ''"
    )}  # fmt: skip
    assert {"foreground", "background", "title"} <= set(patches["role"])
    for row in patches.itertuples():
        mask = masks[row.poster_id]
        claimed = {
            "foreground": mask,
            "background": ~mask,
            "title": box_mask(titles.get(row.poster_id, (0, 0, 0, 0)), mask.shape),
        }[row.role]
        assert mask_share(claimed, np.array(row.box)) == pytest.approx(row.purity)
        assert row.purity >= 0.8

    crops = read_table(db, "ssl_salient_crops")
    faces = _query(
        home, "SELECT f.poster_id, f.x0 / p.width, f.y0 / p.height, f.x1 / p.width, "
        "f.y1 / p.height FROM faces f JOIN posters p USING (poster_id)",
    )  # fmt: skip
    face_crops = crops[crops["source"] == "face"]
    assert len(face_crops) == len(faces)
    for poster_id, *face in faces:
        boxes = face_crops[face_crops["poster_id"] == poster_id]["box"]
        assert any(
            box[0] <= face[0] + 1e-9 and box[1] <= face[1] + 1e-9
            and box[2] >= face[2] - 1e-9 and box[3] >= face[3] - 1e-9
            for box in boxes
        )  # fmt: skip

    texts = read_table(db, "ssl_text_pairs").set_index("poster_id")
    lines = dict(_query(
        home,
        "SELECT poster_id, string_agg(text, ' ' ORDER BY line_index) FROM ocr_lines GROUP BY 1",
    ))  # fmt: skip
    assert len(texts) == sum(1 for text in lines.values() if text.strip())
    for poster_id, row in texts.iterrows():
        assert row["text"] == lines[poster_id]
        assert np.linalg.norm(row["vector"]) == pytest.approx(1.0, abs=1e-5)

    labels = read_table(db, "ssl_labels").set_index("poster_id").sort_index()
    expected = curriculum_labels(db).set_index("poster_id").drop(columns="path").sort_index()
    assert (labels[expected.columns].to_numpy() == expected.to_numpy()).all()


@pytest.mark.shared_data
def test_layer_patches_lie_in_the_depth_layer_they_name(layered_home) -> None:  # noqa: ANN001
    db = open_database(layered_home)
    store_training_sets(db, SetSettings())
    patches = read_table(db, "ssl_layer_patches")
    assert set(patches["source"]) == {"depth-layers"}
    layer_maps = load_layer_maps(db, patches["poster_id"].unique().tolist())
    title_layers = dict(
        _query(layered_home, "SELECT poster_id, layer_index FROM layers WHERE is_title_layer")
    )
    for row in patches.itertuples():
        layer_map = layer_maps[row.poster_id]
        if row.role == "title":
            claimed = layer_map.labels == title_layers[row.poster_id]
        else:
            claimed = layer_map.role_mask(row.role)
        assert mask_share(claimed, np.array(row.box)) >= 0.8


@pytest.fixture(scope="module")
def pretrained_home(
    plain_home, tmp_path_factory: pytest.TempPathFactory
) -> tuple[PosterHome, Path]:  # noqa: ANN001
    """A copy of the plain home, with genres loaded and a tiny encoder pretrained by the CLI."""
    source, corpus = plain_home
    home = PosterHome(tmp_path_factory.mktemp("pretrained") / "home")
    shutil.copytree(source.root, home.root)
    store_metadata(open_database(home), read_metadata_csv(corpus / "labels.csv"), "labels.csv")
    args = [
        "pretrain", "--home", str(home.root), "--name", "tiny", "--epochs", "2", "--size", "32",
        "--batch-size", "8", "--probe-min-positives", "3", "--tasks", ",".join(TASKS),
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return home, corpus


def test_pretraining_registers_saves_embeds_and_probes(pretrained_home) -> None:  # noqa: ANN001
    home, _ = pretrained_home
    model = find_model(open_database(home), "tiny")
    assert model is not None and model.kind == "ssl-encoder"
    assert model.config["tasks"] == list(TASKS)
    assert model.config["schedule"] == "structure_first" and model.input_size == 32
    assert model.lineage["posters"] == 30 and model.lineage["training_sets"]["ssl_labels"] == 30
    assert model.metrics["steps"] == 2 * (30 // 8)
    probe = model.metrics["genre_probe"]
    assert 0 <= probe["mAP"] <= 1 and probe["train"] + probe["test"] == 30
    for relative in (model.checkpoint, model.openvino_xml):
        assert not Path(relative).is_absolute() and (home.root / relative).exists()
    assert (home.root / Path(model.checkpoint).parent / "loss_curves.png").stat().st_size > 1000
    assert _query(
        home,
        "SELECT count(*), min(dimensions), max(dimensions) FROM embeddings WHERE model = 'tiny'",
    ) == [(30, 256, 256)]
    assert _query(
        home, "SELECT count(DISTINCT poster_id) FROM embeddings WHERE model <> 'tiny'"
    ) == [(30,)]

    instance = DagsterInstance.from_config(str(home.dagster_home))
    event = instance.get_latest_materialization_event(AssetKey("ssl_encoder"))
    metadata = event.asset_materialization.metadata
    [curves] = linked_pictures(instance, metadata["loss_curves"].value)  # shown in place
    assert curves.width > 300
    assert metadata["posters_embedded"].value == 30
    probe_event = instance.get_latest_materialization_event(AssetKey("ssl_genre_probe"))
    assert probe_event.asset_materialization.metadata["test_mAP"].value == probe["mAP"]


def test_the_exported_encoder_matches_pytorch(pretrained_home) -> None:  # noqa: ANN001
    home, _ = pretrained_home
    model = find_model(open_database(home), "tiny")
    encoder = load_ssl_encoder("tiny", home.root / model.openvino_xml, 32, None)
    paths = [row[0] for row in _query(home, "SELECT path FROM posters ORDER BY path LIMIT 3")]
    rgbs = [decode_image(read_image_bytes(path)).rgb for path in paths]
    from_ir = encoder.embed(rgbs)
    batch = torch.from_numpy(np.stack([encoder_input(rgb, 32) for rgb in rgbs]))
    with torch.no_grad():
        from_torch = load_encoder(home.root / model.checkpoint)(batch).numpy()
    assert from_ir.shape == (3, 256)
    np.testing.assert_allclose(from_ir, from_torch, rtol=1e-3, atol=1e-4)


def test_a_new_batch_is_embedded_with_the_pretrained_encoder(
    pretrained_home, tmp_path: Path
) -> None:  # noqa: ANN001
    home, _ = pretrained_home
    generate_demo_corpus(tmp_path, count=3, seed=21)
    assert ingest_directory(home, tmp_path / "images").failed_runs == []
    assert _query(home, "SELECT count(*) FROM embeddings WHERE model = 'tiny'") == [(33,)]
    assert _query(home, "SELECT count(*) FROM stage_runs WHERE stage = 'ssl_embeddings'") == [(33,)]


def test_eval_ssl_probes_a_labelled_folder_and_prints_json(pretrained_home) -> None:  # noqa: ANN001
    home, corpus = pretrained_home
    args = [
        "eval",
        "ssl",
        str(corpus),
        "--model",
        "tiny",
        "--home",
        str(home.root),
        "--min-train-positives",
        "3",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model"] == "tiny" and report["posters"] == 30
    assert 0 <= report["mAP"] <= 1 and 0 <= report["label_frequencies"]["mAP"] <= 1
    missing = CliRunner().invoke(main, [*args[:4], "nobody", *args[5:]])
    assert missing.exit_code == 1 and "no model 'nobody'" in missing.output


def test_configurations_are_compared_by_the_probe_per_seed(plain_home) -> None:  # noqa: ANN001
    home, corpus = plain_home
    report = compare_configs(
        home, corpus, epochs=1, size=32, seeds=[0, 1], batch_size=8, min_train_positives=3,
        configs=["random_init", "simsiam", "all_structure_first", "imagenet_frozen"],
    )  # fmt: skip
    assert report["posters"] == 30
    results = report["results"]
    assert set(results) == {"random_init", "simsiam", "all_structure_first", "imagenet_frozen"}
    for scores in results.values():
        assert len(scores["per_seed"]) == 2
        assert 0 <= scores["mAP_mean"] <= 1 and scores["mAP_std"] >= 0


def test_pretraining_refuses_bad_names_and_empty_training_sets(plain_home, tmp_path: Path) -> None:  # noqa: ANN001
    source, _ = plain_home
    home = PosterHome(tmp_path / "home")
    shutil.copytree(source.root, home.root)
    db = open_database(home)
    store_training_sets(db, SetSettings())
    with db.write() as connection:
        connection.execute("DELETE FROM ssl_salient_crops")
    settings = TrainSettings(batch_size=8, tasks=("labels", "salient_crops"))
    with pytest.raises(ValueError, match="salient_crops needs ssl_salient_crops"):
        pretrain(home, db, settings, "fine-name")
    with pytest.raises(ValueError, match="it names a folder"):
        pretrain(home, db, settings, "../escape")
    assert not (home.models_dir / "ssl").exists()
