"""Depth through the assets: plainly skipped without a model, real with the shared PyDNet."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner
from dagster import AssetKey, DagsterInstance
from PIL import Image
from scipy.stats import spearmanr
from skimage import data as skdata

from poster_assets.cli import main
from poster_assets.home import PosterHome
from poster_assets.models.depth import load_depth_estimator
from poster_assets.models.registry import register_depth_model
from poster_assets.runs import ingest_directory
from poster_assets.stages.layers import ANATOMY_POSTERS
from poster_assets.store.opening import open_database
from poster_assets.vision.depth import decode_depth_png, normalise_depth
from poster_assets.vision.masks import decode_mask_png
from poster_assets_tests.conftest import shared_dir
from poster_assets_tests.published_pictures import linked_pictures


@pytest.fixture(scope="module")
def pydnet_path():  # noqa: ANN201 - a Path
    path = shared_dir() / "models" / "pydnet" / "optimized_pydnet++.tflite"
    if not path.exists():
        pytest.skip(f"PyDNet weights not found at {path} (put ../shared beside the repository)")
    return path


def test_without_a_model_depth_is_skipped_and_says_how_to_fix(
    home: PosterHome, demo_corpus
) -> None:  # noqa: ANN001
    report = ingest_directory(home, demo_corpus / "images")
    assert report.failed_runs == []
    with open_database(home).read() as connection:
        assert connection.execute("SELECT count(*) FROM depth_maps").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM failures").fetchone() == (0,)
    event = DagsterInstance.from_config(str(home.dagster_home)).get_latest_materialization_event(
        AssetKey("depth_maps")
    )
    metadata = event.asset_materialization.metadata
    assert metadata["model"].value == "missing"
    assert "poster-assets models use" in metadata["how_to_fix"].value


@pytest.mark.shared_data
def test_a_model_registered_after_ingest_fills_in_depth_on_refresh(
    pydnet_path, home: PosterHome, demo_corpus
) -> None:  # noqa: ANN001
    assert ingest_directory(home, demo_corpus / "images").failed_runs == []
    register_depth_model(home.models_dir, "pydnet", pydnet_path)
    result = CliRunner().invoke(main, ["refresh", "--home", str(home.root)])
    assert result.exit_code == 0 and "batches rerun: 1" in result.output, result.output
    with open_database(home).read() as connection:
        counts = connection.execute(
            "SELECT (SELECT count(*) FROM depth_maps), (SELECT count(DISTINCT poster_id) "
            "FROM layers), (SELECT count(*) FROM failures)"
        ).fetchone()
    assert counts == (8, 8, 0)


@pytest.mark.shared_data
def test_pydnet_depth_ranks_the_motorcycle_scene_like_ground_truth(
    pydnet_path, home: PosterHome
) -> None:  # noqa: ANN001
    ref = register_depth_model(home.models_dir, "pydnet", pydnet_path)
    left, _right, disparity = skdata.stereo_motorcycle()
    depth = normalise_depth(load_depth_estimator(ref).predict(left), ref.spec.larger_is_farther)
    valid = np.isfinite(disparity) & (disparity > 0)
    rho = spearmanr(depth[valid], -disparity[valid]).statistic  # far = small disparity
    assert rho > 0.7


@pytest.mark.shared_data
def test_depth_maps_for_every_poster(pydnet_path, home: PosterHome, demo_corpus) -> None:  # noqa: ANN001
    register_depth_model(home.models_dir, "pydnet", pydnet_path)
    ingest_directory(home, demo_corpus / "images")
    with open_database(home).read() as connection:
        rows = connection.execute(
            "SELECT d.width, d.height, d.depth_png, d.p10, d.p90, p.width, p.height "
            "FROM depth_maps d JOIN posters p USING (poster_id)"
        ).fetchall()
    assert len(rows) == 8
    for width, height, png, p10, p90, poster_width, poster_height in rows:
        depth = decode_depth_png(png)
        assert depth.shape == (height, width)
        assert abs(width / height - poster_width / poster_height) < 0.02
        assert 0 <= p10 < p90 <= 1


@pytest.mark.shared_data
def test_layers_partition_each_poster_and_mark_one_title_layer(
    pydnet_path,  # noqa: ANN001
    home: PosterHome,
    demo_corpus,  # noqa: ANN001
) -> None:
    register_depth_model(home.models_dir, "pydnet", pydnet_path)
    assert ingest_directory(home, demo_corpus / "images").failed_runs == []
    with open_database(home).read() as connection:
        per_poster = connection.execute(
            """
            SELECT l.poster_id, count(*), sum(l.pixel_share),
                   count(*) FILTER (WHERE l.is_title_layer),
                   any_value(d.width), any_value(d.height),
                   list(l.mask_png ORDER BY l.layer_index),
                   list(l.mean_depth ORDER BY l.layer_index)
            FROM layers l JOIN depth_maps d USING (poster_id) GROUP BY l.poster_id
            """
        ).fetchall()
        modes = connection.execute("SELECT min(mode_count) FROM depth_histograms").fetchone()[0]
    assert len(per_poster) == 8 and modes >= 1
    for _, count, share, title_layers, width, height, masks, depths in per_poster:
        assert 1 <= count <= 3 and share == pytest.approx(1.0)
        assert title_layers == 1  # every demo poster has a title
        decoded = [decode_mask_png(mask) for mask in masks]
        assert all(mask.shape == (height, width) for mask in decoded)
        assert (np.sum(decoded, axis=0) == 1).all()  # the layers partition the poster
        assert depths == sorted(depths)  # near to far


def test_show_explains_when_a_poster_has_no_layers(home: PosterHome, demo_corpus) -> None:  # noqa: ANN001
    ingest_directory(home, demo_corpus / "images")
    with open_database(home).read() as connection:
        (poster_id,) = connection.execute("SELECT poster_id FROM posters LIMIT 1").fetchone()
    result = CliRunner().invoke(
        main, ["show", poster_id[:12], "--out", str(home.root / "x.png"), "--home", str(home.root)]
    )
    assert result.exit_code == 1 and "no depth layers yet" in result.output
    unknown = CliRunner().invoke(main, ["show", "zzz", "--out", "x.png", "--home", str(home.root)])
    assert "no poster has an id starting with 'zzz'" in unknown.output


@pytest.mark.shared_data
def test_show_writes_the_anatomy_picture(pydnet_path, home: PosterHome, demo_corpus) -> None:  # noqa: ANN001
    register_depth_model(home.models_dir, "pydnet", pydnet_path)
    ingest_directory(home, demo_corpus / "images")
    with open_database(home).read() as connection:
        (poster_id,) = connection.execute("SELECT poster_id FROM posters LIMIT 1").fetchone()
    out = home.root / "anatomy.png"
    result = CliRunner().invoke(
        main, ["show", poster_id, "--out", str(out), "--home", str(home.root)]
    )
    assert result.exit_code == 0, result.output
    picture = Image.open(out)
    assert picture.format == "PNG" and picture.width > 2.5 * picture.height
    event = DagsterInstance.from_config(str(home.dagster_home)).get_latest_materialization_event(
        AssetKey("layers")
    )
    preview = event.asset_materialization.metadata["preview"].value
    [stacked] = linked_pictures(DagsterInstance.from_config(str(home.dagster_home)), preview)
    assert stacked.format == "PNG" and stacked.height == ANATOMY_POSTERS * picture.height


@pytest.mark.shared_data
def test_eval_layers_on_a_generated_corpus(pydnet_path, demo_corpus, tmp_path) -> None:  # noqa: ANN001
    result = CliRunner().invoke(
        main,
        ["eval", "layers", str(demo_corpus), "--home", str(tmp_path / "h"),
         "--depth-model", "pydnet", "--depth-path", str(pydnet_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["titled_posters_with_layers"] == 8
    assert 0 <= report["title_mostly_in_one_layer"] <= 1
    assert sum(report["depth_mode_counts"].values()) == 8
    truth = report["against_ground_truth"]
    assert truth["posters"] == 8
    assert set(truth["best_layer_iou"]) == {"background", "subject", "text"}
    assert all(0 < iou <= 1 for iou in truth["best_layer_iou"].values())
    # Glyph pixels, not boxes: far above the text layer any depth layer gives.
    assert truth["title_text_iou"] > max(0.6, 5 * truth["best_layer_iou"]["text"])
    subject = report["subject"]
    assert subject["posters"] == 8 and 0 <= subject["border_ring_in_subject"] < 0.25
    foreground = report["foreground_against_ground_truth"]
    assert foreground["posters"] == 8
    ious = foreground["mean_iou_with_true_subject"]
    assert ious["stored_foreground"] > 0.5
    assert ious["stored_foreground"] > max(ious["near_depth_layers"], ious["salient_fifth"])


def test_eval_layers_needs_a_depth_model(demo_corpus, tmp_path) -> None:  # noqa: ANN001
    result = CliRunner().invoke(main, ["eval", "layers", str(demo_corpus), "--home", str(tmp_path)])
    assert result.exit_code == 1 and "no depth model" in result.output


@pytest.mark.shared_data
def test_show_works_after_the_file_was_renamed(
    pydnet_path, home: PosterHome, demo_corpus, tmp_path
) -> None:  # noqa: ANN001
    folder = tmp_path / "posters"
    folder.mkdir()
    original = sorted((demo_corpus / "images").iterdir())[0]
    shutil.copy(original, folder / original.name)
    register_depth_model(home.models_dir, "pydnet", pydnet_path)
    assert ingest_directory(home, folder).failed_runs == []
    (folder / original.name).rename(folder / f"renamed{original.suffix}")
    with open_database(home).read() as connection:
        (poster_id,) = connection.execute("SELECT poster_id FROM posters").fetchone()
    out = tmp_path / "anatomy.png"
    result = CliRunner().invoke(
        main, ["show", poster_id, "--out", str(out), "--home", str(home.root)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
