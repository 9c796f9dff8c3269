"""Packaged face and object detectors on real photographs shipped by scikit-image (one
stream or a stream per thread), and the pure pieces they rest on (anchors, decoding,
letterbox, NMS, which layer a box is in)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from click.testing import CliRunner
from skimage import data as skdata

from poster_assets.cli import main
from poster_assets.models.detectors import load_face_detector, load_object_detector
from poster_assets.models.embedder import load_image_embedder
from poster_assets.models.packaged import (
    PACKAGED_MODELS,
    MissingPackagedModelError,
    PackagedModel,
)
from poster_assets.vision.blazeface import FULL_RANGE_ANCHORS, decode_faces, grid_anchors
from poster_assets.vision.detections import box_layer, letterbox, non_max_suppression


def _inside(box: tuple[float, ...], region: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = box
    return region[0] <= x0 < x1 <= region[2] and region[1] <= y0 < y1 <= region[3]


def test_face_detector_finds_the_astronauts_face_only() -> None:
    faces = load_face_detector().detect(skdata.astronaut())
    assert len(faces) == 1
    face = faces[0]
    assert face.label == "face" and face.score > 0.8
    # Her face lies within x 150..300, y 40..200 of the 512x512 photograph.
    assert _inside(face.box, (150, 40, 300, 200))
    assert 60 < face.box[2] - face.box[0] < 150


def test_face_detector_finds_no_face_in_a_rocket_or_a_blank_image() -> None:
    detector = load_face_detector()
    assert detector.detect(skdata.rocket()) == []
    assert detector.detect(np.zeros((300, 200, 3), np.uint8)) == []


def test_object_detector_names_real_objects_with_boxes_inside_the_image() -> None:
    detector = load_object_detector()
    cat = detector.detect(skdata.chelsea())
    assert cat[0].label == "cat" and cat[0].score > 0.7
    cup = detector.detect(skdata.coffee())
    assert "cup" in {found.label for found in cup}
    person = detector.detect(skdata.astronaut())
    assert person[0].label == "person"
    for found in cat + cup + person:
        assert 0 <= found.box[0] < found.box[2] and 0 <= found.box[1] < found.box[3]
    height, width = skdata.coffee().shape[:2]
    assert all(found.box[2] <= width and found.box[3] <= height for found in cup)
    scores = [found.score for found in cup]
    assert scores == sorted(scores, reverse=True)


def test_full_range_anchors_cover_a_48_by_48_grid_row_by_row() -> None:
    assert FULL_RANGE_ANCHORS.shape == (2304, 2)
    assert np.allclose(FULL_RANGE_ANCHORS[0], (0.5 / 48, 0.5 / 48))
    assert np.allclose(FULL_RANGE_ANCHORS[1], (1.5 / 48, 0.5 / 48))
    assert grid_anchors(128, (8, 16), (2, 6)).shape == (16 * 16 * 2 + 8 * 8 * 6, 2)


def test_decoding_places_a_box_on_its_anchor_with_the_regressed_size() -> None:
    anchors = np.array([[0.25, 0.5], [0.75, 0.5]], np.float32)
    raw = np.zeros((2, 16), np.float32)
    raw[1, :4] = (19.2, 0.0, 38.4, 19.2)  # shift right by 0.1, 0.2 wide, 0.1 tall
    logits = np.array([-5.0, 200.0])  # the second is clipped before the sigmoid
    boxes, scores = decode_faces(raw, logits, anchors, input_size=192)
    assert np.allclose(boxes[1], (0.75, 0.45, 0.95, 0.55))
    assert scores[1] == pytest.approx(1.0) and scores[0] < 0.01


def test_letterbox_maps_network_boxes_back_to_image_pixels() -> None:
    image = np.zeros((400, 200, 3), np.uint8)
    square, geometry = letterbox(image, 100)
    assert square.shape == (100, 100, 3) and geometry.pad_x == 25 and geometry.pad_y == 0
    back = geometry.to_image(np.array([[0.25, 0.0, 0.75, 1.0]]))
    assert np.allclose(back, [[0, 0, 200, 400]])


def test_non_max_suppression_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], float)
    kept = non_max_suppression(boxes, np.array([0.6, 0.9, 0.8]), 0.5, 0.3)
    assert kept.tolist() == [1, 2]
    assert non_max_suppression(np.zeros((0, 4)), np.zeros(0), 0.5, 0.3).size == 0


def test_box_layer_is_the_layer_under_most_of_the_box_at_any_map_size() -> None:
    labels = np.zeros((50, 40), np.uint8)
    labels[25:, :] = 2
    assert box_layer((0, 300, 400, 500), labels, (400, 500)) == 2
    assert box_layer((0, 0, 400, 200), labels, (400, 500)) == 0


def test_a_missing_packaged_model_says_how_to_install_it() -> None:
    model = PackagedModel("absent", "no_such_package_here", "x.onnx", "pip install absent", "-")
    with pytest.raises(MissingPackagedModelError, match="pip install absent"):
        model.path()


def test_models_list_names_each_packaged_model_with_its_licence(tmp_path) -> None:  # noqa: ANN001
    result = CliRunner().invoke(main, ["models", "list", "--home", str(tmp_path / "home")])
    assert result.exit_code == 0, result.output
    for model in PACKAGED_MODELS:
        assert f"{model.name}: " in result.output and model.licence in result.output


def test_a_stream_per_thread_gives_the_same_detections_and_features() -> None:
    """Parallel stages compile these networks for THROUGHPUT, a stream per worker thread;
    what they find must not change."""
    images = [skdata.astronaut(), skdata.chelsea(), skdata.coffee(), skdata.rocket()]
    with ThreadPoolExecutor(2) as pool:
        for load in (load_face_detector, load_object_detector):
            one, two = load(), load(streams=2)
            assert two is not one
            assert list(pool.map(two.detect, images)) == [one.detect(image) for image in images]
        one, two = load_image_embedder(), load_image_embedder(streams=2)
        together = list(pool.map(two.feature_map, images))
        for image, features in zip(images, together, strict=True):
            np.testing.assert_array_equal(features, one.feature_map(image))
