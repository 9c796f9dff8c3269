"""Face and object detectors from packaged networks, run on OpenVINO: BlazeFace full range
(MediaPipe) for faces, SSD MobileNet v2 trained on COCO for objects."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from poster_assets.models.openvino_runtime import (
    ThreadedInfer,
    compile_for_cpu,
    packaged_model_cache,
)
from poster_assets.models.packaged import BLAZEFACE_FULL_RANGE, SSD_MOBILENET_V2_COCO
from poster_assets.models.process_models import load_once
from poster_assets.vision.blazeface import FULL_RANGE_ANCHORS, decode_faces
from poster_assets.vision.coco_labels import COCO_LABELS
from poster_assets.vision.detections import Detection, clip_box, letterbox, non_max_suppression

FACE_INPUT_SIZE = 192
FACE_MIN_SCORE = 0.5  # MediaPipe's default
FACE_MAX_OVERLAP = 0.3
OBJECT_INPUT_SIZE = 300  # the SSD's own input size; it resizes anything else to this
OBJECT_MIN_SCORE = 0.4


class FaceDetector:
    version = f"{BLAZEFACE_FULL_RANGE.name}-r1"

    def __init__(self, cache_dir: Path | None = None, streams: int = 1) -> None:
        compiled = compile_for_cpu(BLAZEFACE_FULL_RANGE.path(), cache_dir, streams=streams)
        self._infer = ThreadedInfer(compiled)

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Faces in an (H, W, 3) uint8 RGB image, boxes in its pixels, best first."""
        square, geometry = letterbox(rgb, FACE_INPUT_SIZE)
        tensor = square.astype(np.float32)[None] / 127.5 - 1.0
        outputs = self._infer(tensor)
        raw_boxes = np.asarray(outputs[self._infer.compiled.outputs[0]])
        raw_scores = np.asarray(outputs[self._infer.compiled.outputs[1]])
        boxes, scores = decode_faces(raw_boxes, raw_scores, FULL_RANGE_ANCHORS, FACE_INPUT_SIZE)
        kept = non_max_suppression(boxes, scores, FACE_MIN_SCORE, FACE_MAX_OVERLAP)
        pixel_boxes = geometry.to_image(boxes[kept])
        height, width = rgb.shape[:2]
        return [
            Detection("face", float(scores[index]), clip_box(tuple(box), width, height))
            for index, box in zip(kept, pixel_boxes, strict=True)
        ]


class ObjectDetector:
    version = f"{SSD_MOBILENET_V2_COCO.name}-r1"

    def __init__(self, cache_dir: Path | None = None, streams: int = 1) -> None:
        compiled = compile_for_cpu(SSD_MOBILENET_V2_COCO.path(), cache_dir, streams=streams)
        self._infer = ThreadedInfer(compiled)
        self._outputs = {name: output for output in compiled.outputs for name in output.get_names()}

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """COCO objects in an (H, W, 3) uint8 RGB image, boxes in its pixels, best first."""
        height, width = rgb.shape[:2]
        resized = cv2.resize(
            rgb, (OBJECT_INPUT_SIZE, OBJECT_INPUT_SIZE), interpolation=cv2.INTER_AREA
        )
        outputs = self._infer(resized[None])
        boxes = np.asarray(outputs[self._outputs["detection_boxes:0"]])[0]  # ymin xmin ymax xmax
        scores = np.asarray(outputs[self._outputs["detection_scores:0"]])[0]
        classes = np.asarray(outputs[self._outputs["detection_classes:0"]])[0].astype(int)
        detections = []
        for box, score, class_id in zip(boxes, scores, classes, strict=True):
            if score < OBJECT_MIN_SCORE or not COCO_LABELS.get(class_id):
                continue
            y0, x0, y1, x1 = box
            pixel_box = clip_box((x0 * width, y0 * height, x1 * width, y1 * height), width, height)
            detections.append(Detection(COCO_LABELS[class_id], float(score), pixel_box))
        return detections


def load_face_detector(cache_dir: Path | None = None, streams: int = 1) -> FaceDetector:
    return load_once(FaceDetector, cache_dir or packaged_model_cache(), streams)


def load_object_detector(cache_dir: Path | None = None, streams: int = 1) -> ObjectDetector:
    return load_once(ObjectDetector, cache_dir or packaged_model_cache(), streams)
