"""Faces, objects, foreground and embeddings materialized by real Dagster runs into a
temporary home's DuckDB, with and without a depth model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from dagster import AssetKey, DagsterInstance
from PIL import Image

from poster_assets.cli import main
from poster_assets.demo.generator import LAYER_SUBJECT
from poster_assets.evaluation.composition import (
    demo_composition_report,
    title_role_report,
)
from poster_assets.evaluation.genres import genre_report
from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.imaging.preview import CAPTION_HEIGHT, LEGEND_HEIGHT, THUMB_HEIGHT
from poster_assets.models.embedder import EMBEDDING_DIMENSIONS, ImageEmbedder
from poster_assets.pretraining.training_sets import curriculum_labels
from poster_assets.runs import ingest_directory, materialize_batches
from poster_assets.ssl.curriculum_labels import TASK_CLASSES
from poster_assets.stages.ocr import title_line_reader
from poster_assets.store.batches import all_batch_ids
from poster_assets.store.opening import open_database
from poster_assets.store.stages import StoredRows
from poster_assets.vision.masks import decode_mask_png
from poster_assets_tests.published_pictures import linked_pictures


def _truths(demo_corpus: Path) -> dict[str, dict]:
    lines = (demo_corpus / "ground_truth.jsonl").read_text().splitlines()
    return {entry["image"]: entry for entry in map(json.loads, lines)}


def _query(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.shared_data
def test_faces_fall_on_the_pasted_subjects_and_in_a_layer(layered_home, demo_corpus) -> None:  # noqa: ANN001
    truths = _truths(demo_corpus)
    faces = _query(
        layered_home,
        "SELECT parse_filename(p.path), f.x0, f.y0, f.x1, f.y1, f.score, f.layer_index "
        "FROM faces f JOIN posters p USING (poster_id)",
    )
    assert faces, "the demo corpus pastes the astronaut's portrait on some posters"
    for image, x0, y0, x1, y1, score, layer in faces:
        sx0, sy0, sx1, sy1 = truths[image]["subject_box"]
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        assert sx0 <= centre[0] <= sx1 and sy0 <= centre[1] <= sy1, image
        assert score >= 0.5 and layer is not None


@pytest.mark.shared_data
def test_objects_have_coco_labels_scores_and_layers(layered_home) -> None:  # noqa: ANN001
    rows = _query(layered_home, "SELECT label, score, layer_index, x0 < x1 FROM objects")
    assert rows
    assert all(
        label and 0.4 <= score <= 1 and layer is not None and ok for label, score, layer, ok in rows
    )


@pytest.mark.shared_data
def test_foreground_masks_overlap_the_true_subjects(layered_home, demo_corpus) -> None:  # noqa: ANN001
    rows = _query(
        layered_home,
        "SELECT parse_filename(p.path), f.method, f.width, f.height, f.mask_png, f.share, "
        "d.width, d.height FROM foreground f JOIN posters p USING (poster_id) "
        "JOIN depth_maps d USING (poster_id)",
    )
    assert len(rows) == 8
    ious = []
    for image, method, width, height, png, share, depth_w, depth_h in rows:
        assert method.startswith("grabcut:depth+saliency")
        mask = decode_mask_png(png)
        assert mask.shape == (height, width) == (depth_h, depth_w)
        assert share == pytest.approx(mask.mean())
        truth = np.asarray(Image.open(demo_corpus / "layers" / image.replace(".jpg", ".png")))
        subject = cv2.resize(
            (truth == LAYER_SUBJECT).astype(np.uint8), (width, height), cv2.INTER_NEAREST
        ).astype(bool)
        ious.append((mask & subject).sum() / (mask | subject).sum())
    assert np.mean(ious) > 0.35


@pytest.mark.shared_data
def test_the_composition_gives_every_pixel_a_role_that_follows_the_true_layers(
    layered_home,
    demo_corpus,  # noqa: ANN001
) -> None:
    db = open_database(layered_home)
    rows = _query(
        layered_home,
        "SELECT c.width, c.height, p.width, p.height, c.cues, c.subject_share + c.title_text_share "
        "+ c.other_text_share + c.background_share FROM composition c JOIN posters p "
        "USING (poster_id)",
    )
    assert len(rows) == 8
    for width, height, poster_w, poster_h, cues, total in rows:
        assert (width, height) == (poster_w, poster_h)
        assert {"depth", "saliency", "title_text"} <= set(cues) and total == pytest.approx(1)
    roles = _query(
        layered_home,
        "SELECT role, count(*), sum(faces), bool_and(depth_rank IS NOT NULL OR pixel_share = 0) "
        "FROM composition_roles GROUP BY role",
    )
    by_role = {role: (count, faces, ranked) for role, count, faces, ranked in roles}
    assert {by_role[role][0] for role in ("background", "title_text", "other_text")} == {8}
    assert by_role["subject"][0] >= 8 and all(ranked for _, _, ranked in by_role.values())
    faces = _query(layered_home, "SELECT count(*) FROM faces")[0][0]
    assert by_role["subject"][1] == faces  # the pasted portraits lie in subjects
    report = demo_composition_report(db, demo_corpus)
    ious = report["mean_iou_with_true_role"]
    assert ious["subject"] > 0.6 and ious["title_text"] > 0.6 and ious["background"] > 0.8
    exact_titles = report["exact_title_pixels_in_title_role"]
    assert (
        exact_titles["titled_posters"] == 8
        and exact_titles["posters_with_80_percent_inside"] >= 0.5
        and exact_titles["median_title_role_pixels_that_are_text"] >= 0.6
    )
    rows = StoredRows(db, PosterCopies(layered_home.poster_copies_dir))
    title_role = title_role_report(db, rows, title_line_reader())
    assert title_role["posters_with_80_percent_inside"] >= 0.75
    assert title_role["median_title_role_pixels_that_are_text"] >= 0.5
    instance = DagsterInstance.from_config(str(layered_home.dagster_home))
    event = instance.get_latest_materialization_event(AssetKey("composition"))
    metadata = event.asset_materialization.metadata
    assert metadata["median_subjects"].value >= 1
    assert len(linked_pictures(instance, metadata["preview"].value)) == 1


@pytest.mark.shared_data
def test_embeddings_cover_each_region_with_full_length_vectors(layered_home) -> None:  # noqa: ANN001
    rows = _query(
        layered_home,
        "SELECT region, count(*), min(dimensions), max(len(vector)) FROM embeddings GROUP BY 1",
    )
    by_region = {region: (count, low, high) for region, count, low, high in rows}
    assert by_region["poster"][0] == 8
    assert by_region["foreground"][0] >= 6 and by_region["foreground_pooled"][0] >= 6
    assert all(low == high == EMBEDDING_DIMENSIONS for _, low, high in by_region.values())


@pytest.mark.shared_data
def test_the_foreground_preview_is_attached_to_the_materialization(layered_home) -> None:  # noqa: ANN001
    instance = DagsterInstance.from_config(str(layered_home.dagster_home))
    event = instance.get_latest_materialization_event(AssetKey("foreground"))
    [sheet] = linked_pictures(instance, event.asset_materialization.metadata["preview"].value)
    row = THUMB_HEIGHT + CAPTION_HEIGHT + 4
    assert sheet.height == 2 * row + 4 + LEGEND_HEIGHT  # six posters in two rows of three


@pytest.mark.shared_data
def test_redone_layers_redo_what_was_derived_from_them(layered_home) -> None:  # noqa: ANN001
    def finished(stage: str) -> dict[str, object]:
        return dict(
            _query(
                layered_home,
                f"SELECT poster_id, finished_at FROM stage_runs WHERE stage = '{stage}'",
            )
        )

    before = {stage: finished(stage) for stage in ("faces", "foreground", "embeddings", "ocr")}
    batches = all_batch_ids(open_database(layered_home))
    assert materialize_batches(layered_home, batches, asset_config={"layers": {"k": 2}}) == []
    after = {stage: finished(stage) for stage in before}
    for stage in ("faces", "foreground", "embeddings"):
        assert all(after[stage][poster] > before[stage][poster] for poster in before[stage])
    assert after["ocr"] == before["ocr"]  # not downstream of layers


@pytest.mark.shared_data
def test_a_new_batch_of_already_known_posters_runs_cleanly(
    layered_home, demo_corpus, tmp_path
) -> None:  # noqa: ANN001
    copy = tmp_path / "again"
    shutil.copytree(demo_corpus / "images", copy)
    report = ingest_directory(layered_home, copy)
    assert report.failed_runs == [] and report.already_known == 8
    # Its asset pages show its posters (done by the batch that found them first), not zeros.
    # (Layers may be at another version here: an earlier test reran them with k=2.)
    instance = DagsterInstance.from_config(str(layered_home.dagster_home))
    for asset in ("posters", "titles", "layers"):
        event = instance.get_latest_materialization_event(AssetKey(asset))
        metadata = event.asset_materialization.metadata
        assert event.asset_materialization.partition == report.batches[0].batch_id
        if asset != "posters":
            assert metadata["posters"].value == 8, asset
            assert metadata["done"].value + metadata["pending"].value == 8, asset
            assert metadata["this_run_processed"].value == 0, asset
        if asset != "layers":
            assert linked_pictures(instance, metadata["preview"].value), asset


def test_without_depth_the_foreground_comes_from_saliency_and_detections(plain_home) -> None:  # noqa: ANN001
    home, _ = plain_home
    methods = _query(home, "SELECT DISTINCT method FROM foreground")
    assert methods and all(not method.startswith("grabcut:depth") for (method,) in methods)
    assert _query(home, "SELECT count(*) FROM faces WHERE layer_index IS NOT NULL") == [(0,)]
    assert _query(home, "SELECT count(DISTINCT poster_id) FROM embeddings") == [(30,)]
    assert _query(home, "SELECT count(*) FROM failures") == [(0,)]
    cues = [set(found) for (found,) in _query(home, "SELECT cues FROM composition")]
    assert len(cues) == 30 and not any("depth" in found for found in cues)
    assert sum("title_text" in found for found in cues) >= 20  # glyphs found without layers


def test_similar_lists_the_nearest_posters_from_the_index_as_an_exact_scan_would(
    plain_home,
) -> None:  # noqa: ANN001
    home, _ = plain_home
    (poster_id,) = _query(home, "SELECT poster_id FROM posters ORDER BY poster_id LIMIT 1")[0]
    assert list(home.index_dir.glob("*.faiss"))  # the per-batch run built the index
    args = ["similar", poster_id[:10], "-k", "5", "--home", str(home.root), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "found by: index" in result.stderr
    found = json.loads(result.stdout)
    assert len(found) == 5 and poster_id not in {row["poster_id"] for row in found}
    similarities = [row["similarity"] for row in found]
    assert similarities == sorted(similarities, reverse=True)
    exact = CliRunner().invoke(main, [*args, "--exact"])
    assert exact.exit_code == 0 and "found by: exact scan" in exact.stderr
    exact_found = json.loads(exact.stdout)
    assert [row["poster_id"] for row in exact_found] == [row["poster_id"] for row in found]
    assert [row["similarity"] for row in exact_found] == pytest.approx(similarities, abs=2e-3)
    # The title read is shown beside the known one (none here: no metadata was joined).
    titles_read = dict(_query(home, "SELECT poster_id, title_text FROM titles"))
    for row in found + exact_found:
        assert row["title"] is None and row["title_read"] == (titles_read[row["poster_id"]] or None)
    assert sum(row["title_read"] is not None for row in found) >= 3
    missing = CliRunner().invoke(main, [*args[:-1], "--region", "nowhere"])
    assert missing.exit_code == 1 and "no 'nowhere' embedding" in missing.output


def test_the_genre_report_covers_baselines_and_every_region(plain_home) -> None:  # noqa: ANN001
    home, corpus = plain_home
    report = genre_report(
        open_database(home), corpus, ImageEmbedder.model_name, min_train_positives=3
    )
    assert report["posters"] == 30 and report["train"] + report["test"] == 30
    results = report["results"]
    model = ImageEmbedder.model_name
    for name in (
        "label_frequencies",
        "raw_16x16_pixels",
        "structure",
        f"{model}:poster",
        f"{model}:foreground",
        f"{model}:foreground_pooled+background_pooled",
        f"{model}:poster+structure",
    ):
        assert 0 <= results[name]["mAP"] <= 1 and 0 <= results[name]["micro_f1"] <= 1


@pytest.mark.shared_data
def test_curriculum_labels_agree_with_the_stored_structure(layered_home) -> None:  # noqa: ANN001
    labels = curriculum_labels(open_database(layered_home)).set_index("poster_id")
    assert len(labels) == 8
    faces = dict(_query(layered_home, "SELECT poster_id, count(*) FROM faces GROUP BY 1"))
    titles = dict(_query(layered_home, "SELECT poster_id, placement_v FROM titles"))
    title_layers = dict(
        _query(layered_home, "SELECT poster_id, layer_index FROM layers WHERE is_title_layer")
    )
    assert sum(placement is not None for placement in titles.values()) >= 6  # most read
    for poster_id, row in labels.iterrows():
        assert row["face_count"] == min(faces.get(poster_id, 0), 2)
        # A poster whose title was not read has class 0 ("none") for both title tasks.
        placement = titles[poster_id] or "none"
        assert TASK_CLASSES["title_vertical"][row["title_vertical"]] == placement
        expected_rank = min(title_layers[poster_id] + 1, 3) if poster_id in title_layers else 0
        assert row["title_layer_rank"] == expected_rank
        assert row["depth_modes"] >= 1
