"""Trailers through the graph: paired by file stem or by CSV, cut into shots, their frames
read; a broken video is a failure row of its poster and the batch goes on; a changed trailer
redoes only its poster; the fused encoder trains on the frames and embeds a new poster's
trailer with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.demo.generator import generate_demo_corpus
from poster_assets.demo.trailers import write_demo_trailers
from poster_assets.fusion.reduction import load_reduction
from poster_assets.fusion.runtime import FusionRuntime
from poster_assets.home import PosterHome
from poster_assets.pretraining.fusion_data import load_fusion_data
from poster_assets.store.opening import open_database
from poster_assets.store.trained_models import find_model
from poster_assets.video.shots import boundary_f1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five posters: two trailers beside their posters, one paired by CSV under another name,
    and one file with a video's name that is not a video."""
    root = tmp_path_factory.mktemp("trailer_corpus")
    generate_demo_corpus(root, count=5, seed=11)
    write_demo_trailers(root, count=3)
    (root / "clips").mkdir()
    shutil.move(root / "images" / "demo0003.mp4", root / "clips" / "third-cut.mp4")
    (root / "trailers.csv").write_text("image,trailer\ndemo0003.jpg,clips/third-cut.mp4\n")
    (root / "images" / "demo0004.mp4").write_bytes(b"not a video" * 50)
    return root


@pytest.fixture(scope="module")
def ingested(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[PosterHome, str]:
    home = PosterHome(tmp_path_factory.mktemp("trailers") / "home").ensure()
    return home, _ingest(corpus, home)


def _ingest(corpus: Path, home: PosterHome) -> str:
    result = CliRunner().invoke(
        main,
        ["ingest", str(corpus / "images"), "--home", str(home.root), "--metadata",
         str(corpus / "labels.csv"), "--trailers", str(corpus / "trailers.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


KEY_OF = "parse_filename(p.path, true)"  # a poster's file stem


def _query(home: PosterHome, sql: str) -> list[tuple]:
    with open_database(home).read() as connection:
        return connection.execute(sql).fetchall()


def test_trailers_are_paired_cut_and_read(corpus: Path, ingested: tuple[PosterHome, str]) -> None:
    home, output = ingested
    assert "trailers: 4 posters have one (0 videos paired with no poster" in output
    truth = {
        row["poster_key"]: row
        for row in map(json.loads, (corpus / "trailers.jsonl").read_text().splitlines())
    }
    shots = _query(
        home,
        f"SELECT {KEY_OF}, list(s.start_frame ORDER BY s.shot_index) FROM trailer_shots s "
        "JOIN posters p USING (poster_id) GROUP BY 1 ORDER BY 1",
    )
    assert [key for key, _ in shots] == ["demo0001", "demo0002", "demo0003"]
    for key, starts in shots:
        assert boundary_f1(starts[1:], truth[key]["cuts"]) >= 0.9, (key, starts)
    title_cards = _query(
        home,
        f"SELECT {KEY_OF}, list(f.shot_index) FILTER (WHERE f.shows_title) FROM trailer_frames f "
        "JOIN posters p USING (poster_id) GROUP BY 1 ORDER BY 1",
    )
    assert [key for key, _ in title_cards] == ["demo0001", "demo0002", "demo0003"]
    assert all(len(found) >= 1 for _, found in title_cards), title_cards
    [(kind, message)] = _query(
        home,
        "SELECT kind, message FROM failures WHERE stage = 'trailer_shots'",
    )
    assert kind == "not_a_video" and "demo0004.mp4" in message
    done = _query(
        home,
        "SELECT count(*) FROM stage_runs WHERE stage = 'trailer_frames' AND status = 'done'",
    )
    # Every poster: the broken trailer's failure is trailer_shots', it has no shots to read.
    assert done == [(5,)]


def test_the_fused_encoder_reads_trailer_frames(ingested: tuple[PosterHome, str]) -> None:
    home, _ = ingested
    args = ["train-fusion", "--home", str(home.root), "--name", "with-trailers", "--steps", "12"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "left out" not in result.output
    db = open_database(home)
    model = find_model(db, "with-trailers")
    assert model.lineage["posters_with_trailer"] == 3
    assert model.metrics["tasks_left_out"] == {}

    reduction = load_reduction((home.root / model.openvino_xml).with_name("token_reduction.npz"))
    data = load_fusion_data(db, reduction)
    runtime = FusionRuntime(model.model_name, home.root / model.openvino_xml, None)
    with_frames = runtime.embed(data.visible(True, False, True))
    without = runtime.embed(data.visible(True, False, False))
    has_trailer = data.frame_valid.any(1).numpy()
    assert has_trailer.sum() == 3
    changed = np.abs(with_frames - without).max(1) > 1e-4
    assert (changed == has_trailer).all()  # frames move exactly the posters that have them


def test_only_a_changed_trailer_is_redone(corpus: Path, ingested: tuple[PosterHome, str]) -> None:
    home, _ = ingested
    done_at = (
        "SELECT poster_id, finished_at FROM stage_runs "
        "WHERE stage = 'trailer_shots' AND status = 'done'"
    )
    before = dict(_query(home, done_at))
    again = _ingest(corpus, home)
    assert "rerunning" not in again, again
    assert dict(_query(home, done_at)) == before

    # A new cut of the first trailer: of the posters done, only its poster is redone (the
    # broken video is retried by every run, as every failed poster is).
    shutil.copy(corpus / "images" / "demo0002.mp4", corpus / "images" / "demo0001.mp4")
    changed = _ingest(corpus, home)
    assert "rerunning 1 batches for new metadata or trailers" in changed
    after = dict(_query(home, done_at))
    redone = [poster for poster in after if after[poster] != before[poster]]
    [(first,)] = _query(home, f"SELECT poster_id FROM posters p WHERE {KEY_OF} = 'demo0001'")
    assert redone == [first]
