"""Foreground segmentation against generated posters whose subject mask is known."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from poster_assets.demo.generator import LAYER_SUBJECT, generate_demo_corpus
from poster_assets.vision.foreground import (
    ForegroundCues,
    detected_region,
    drop_specks,
    method_name,
    seed_mask,
    segment_foreground,
)
from poster_assets.vision.masks import decode_mask_png, encode_mask_png
from poster_assets.vision.saliency import spectral_residual_saliency

SIDE = (128, 192)  # working size (width, height), as for a 300x450 poster's depth map


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


@pytest.fixture(scope="module")
def posters(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[np.ndarray, np.ndarray]]:
    """(small RGB, true subject mask) for ten generated posters."""
    corpus: Path = tmp_path_factory.mktemp("foreground_corpus")
    pairs = []
    for poster in generate_demo_corpus(corpus, count=10, seed=5):
        rgb = np.asarray(Image.open(corpus / "images" / poster.image).convert("RGB"))
        truth = np.asarray(Image.open(corpus / "layers" / f"{poster.poster_key}.png"))
        small = cv2.resize(rgb, SIDE, interpolation=cv2.INTER_AREA)
        subject = cv2.resize(
            (truth == LAYER_SUBJECT).astype(np.uint8), SIDE, interpolation=cv2.INTER_NEAREST
        )
        pairs.append((small, subject.astype(bool)))
    return pairs


def _box_of(mask: np.ndarray) -> np.ndarray:
    """The mask's bounding box, filled: a coarse cue like a blobby depth layer."""
    ys, xs = np.nonzero(mask)
    box = np.zeros_like(mask)
    box[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] = True
    return box


def test_grabcut_refines_a_coarse_near_layer_to_the_subjects_outline(posters) -> None:  # noqa: ANN001
    refined, coarse = [], []
    for rgb, truth in posters:
        hint = _box_of(truth)
        cues = ForegroundCues(saliency=spectral_residual_saliency(rgb), near_layers=hint)
        result = segment_foreground(rgb, cues)
        assert result.method == "grabcut:depth+saliency"
        refined.append(_iou(result.mask, truth))
        coarse.append(_iou(hint, truth))
    assert np.mean(refined) > 0.6
    assert np.mean(refined) > np.mean(coarse) - 0.05  # never much worse than its seed


def test_saliency_alone_still_finds_much_of_the_subject(posters) -> None:  # noqa: ANN001
    scores = [
        _iou(segment_foreground(rgb, ForegroundCues(spectral_residual_saliency(rgb))).mask, truth)
        for rgb, truth in posters
    ]
    assert np.mean(scores) > 0.3


def test_faces_are_certain_foreground_and_the_top_strip_is_background() -> None:
    saliency = np.zeros((100, 80), np.float32)
    seeds = seed_mask(ForegroundCues(saliency=saliency, faces=[(30, 40, 50, 60)]))
    assert seeds[50, 40] == cv2.GC_FGD
    assert seeds[90, 40] == cv2.GC_PR_FGD  # the body below the face
    assert seeds[0, 5] == cv2.GC_BGD
    assert method_name(ForegroundCues(saliency, faces=[(0, 0, 1, 1)])) == "grabcut:saliency+faces"


def test_a_detected_subjects_box_is_probable_foreground_even_where_not_salient() -> None:
    saliency = np.zeros((100, 80), np.float32)
    saliency[40:, 45:] = 1.0  # the salient quarter lies outside the box
    seeds = seed_mask(ForegroundCues(saliency=saliency, subjects=[(0, 20, 40, 100)]))
    assert (seeds[20:100, 0:40] == cv2.GC_PR_FGD).all()  # the border inside it included
    assert seeds[10, 60] == cv2.GC_PR_BGD and seeds[0, 60] == cv2.GC_BGD


def test_a_flat_image_gets_a_mask_not_an_error() -> None:
    flat = np.full((60, 40, 3), 128, np.uint8)
    result = segment_foreground(flat, ForegroundCues(spectral_residual_saliency(flat)))
    assert result.mask.shape == (60, 40) and result.mask.dtype == bool


def test_mismatched_cue_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="cues are"):
        segment_foreground(np.zeros((60, 40, 3), np.uint8), ForegroundCues(np.zeros((10, 10))))


def test_specks_below_the_minimum_share_are_dropped() -> None:
    mask = np.zeros((100, 100), bool)
    mask[10:60, 10:60] = True
    mask[90, 90] = True
    cleaned = drop_specks(mask, min_share=0.01)
    assert cleaned[30, 30] and not cleaned[90, 90]


@pytest.mark.parametrize("shape", [(1, 1), (7, 13), (192, 128)])
def test_masks_survive_png_encoding_exactly(shape: tuple[int, int]) -> None:
    mask = np.random.default_rng(0).random(shape) > 0.5
    data = encode_mask_png(mask)
    assert (decode_mask_png(data) == mask).all()
    assert len(data) < 4000


def test_a_posters_mask_is_the_same_whatever_its_thread_segmented_before(posters) -> None:  # noqa: ANN001
    """GrabCut draws from OpenCV's per-thread generator; parallel workers must not change it."""

    def segment(index: int) -> np.ndarray:
        rgb, truth = posters[index]
        cues = ForegroundCues(saliency=spectral_residual_saliency(rgb), near_layers=_box_of(truth))
        return segment_foreground(rgb, cues).mask

    alone = segment(3)
    for other in (0, 1, 2):
        segment(other)
    with ThreadPoolExecutor(2) as pool:
        in_threads = list(pool.map(segment, [5, 3, 4, 3]))
    assert np.array_equal(segment(3), alone)
    assert np.array_equal(in_threads[1], alone) and np.array_equal(in_threads[3], alone)


def test_three_grabcut_rounds_keep_the_masks_of_four(posters) -> None:  # noqa: ANN001
    """The stage's 3 rounds (its speed setting) against the 4 of before, on the same seeds."""
    overlaps = []
    for rgb, truth in posters:
        cues = ForegroundCues(saliency=spectral_residual_saliency(rgb), near_layers=_box_of(truth))
        three, four = segment_foreground(rgb, cues, 3), segment_foreground(rgb, cues, 4)
        overlaps.append(_iou(three.mask, four.mask))
    assert np.mean(overlaps) >= 0.97


def test_a_collapsed_cut_starts_again_from_the_rectangle_keeping_detected_subjects() -> None:
    """Seeds proposing most of a poster whose subject is a small disc: GrabCut collapses, and
    the rectangle start finds the disc; the detected box's seeded pixels stay."""
    rgb = np.full((120, 90, 3), (40, 90, 160), np.uint8)
    cv2.circle(rgb, (45, 60), 15, (230, 200, 40), -1)
    truth = np.zeros((120, 90), np.uint8)
    cv2.circle(truth, (45, 60), 15, 1, -1)
    near = np.zeros((120, 90), bool)
    near[5:115, 5:85] = True  # a near layer over almost everything
    cues = ForegroundCues(
        np.zeros((120, 90), np.float32), near_layers=near, subjects=[(70, 90, 85, 110)]
    )
    result = segment_foreground(rgb, cues, 3)
    assert result.method.endswith(":rectangle-fallback")
    assert _iou(result.mask & ~detected_region(cues), truth.astype(bool)) > 0.8
    assert result.mask[90:110, 70:85].all()
