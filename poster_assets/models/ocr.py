"""PP-OCRv6 text detection + recognition from the `rapidocr` package, run on OpenVINO.

The weights ship inside the package (Apache-2.0), so OCR works offline. rapidocr compiles each
OpenVINO model when its engine is built: once per process and settings with library defaults,
once per thread and settings when tuned (its sessions are not thread-safe).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import openvino as ov

from poster_assets.models.line_recogniser import WidthBucketRecogniser
from poster_assets.models.recogniser_classes import (
    RecogniserCharacters,
    kept_classes,
    restrict_output_classes,
)
from poster_assets.models.vertical_lines import BothWaysRecogniser, standing_crops
from poster_assets.vision.text_lines import TextLine

if TYPE_CHECKING:
    from rapidocr import RapidOCR
    from rapidocr.ch_ppocr_rec import TextRecognizer


@dataclass(frozen=True)
class OcrSettings:
    """The rapidocr settings we tune; field defaults are rapidocr's own."""

    det_limit_side_len: int = 736
    det_box_thresh: float = 0.5
    det_thresh: float = 0.3
    det_unclip_ratio: float = 1.6
    text_score: float = 0.5
    use_angle_cls: bool = True
    rec_min_width: int = 320  # recogniser input width a line is padded to at least (48 px high)
    # > 0: each line padded to its own width rounded up to a multiple of this, lines of one
    # width batched together; 0: rapidocr's batches, padded to their widest line
    rec_width_step: int = 0
    rec_batch_size: int = 6  # lines recognised per inference
    rec_characters: RecogniserCharacters = RecogniserCharacters.ALL  # which it may read
    # True: vertical lines read turned both ways, the more confident kept (vertical_lines.py);
    # False: turned one way, as rapidocr does
    vertical_both_ways: bool = False

    def __post_init__(self) -> None:
        # Settings read from JSON give the enum's value.
        object.__setattr__(self, "rec_characters", RecogniserCharacters(self.rec_characters))
        if self.vertical_both_ways and self.use_angle_cls:
            raise ValueError("vertical_both_ways and use_angle_cls both turn lines: choose one")

    def rapidocr_params(self) -> dict[str, object]:
        # rapidocr is imported where an engine is made (~0.5 s): every process that loads the
        # asset graph imports this module through the stage registry.
        from rapidocr import EngineType

        return {
            "Global.log_level": "error",
            "Global.text_score": self.text_score,
            "Global.use_cls": self.use_angle_cls,
            "Det.engine_type": EngineType.OPENVINO,
            "Cls.engine_type": EngineType.OPENVINO,
            "Rec.engine_type": EngineType.OPENVINO,
            "Det.limit_side_len": self.det_limit_side_len,
            "Det.box_thresh": self.det_box_thresh,
            "Det.thresh": self.det_thresh,
            "Det.unclip_ratio": self.det_unclip_ratio,
            "Rec.rec_img_shape": [3, 48, self.rec_min_width],
            "Rec.rec_batch_num": self.rec_batch_size,
        }


RAPIDOCR_DEFAULTS = OcrSettings()


class RuntimeMode(StrEnum):
    """`tuned`: one single-threaded engine per thread, for posters OCR'd in parallel threads.
    `defaults`: one engine with rapidocr's settings, each call spread over every core."""

    TUNED = "tuned"
    DEFAULTS = "defaults"

    @classmethod
    def of(cls, library_defaults: bool) -> RuntimeMode:
        """`defaults` where models run as their libraries default (the bench's baseline)."""
        return cls.DEFAULTS if library_defaults else cls.TUNED


# One single-threaded, unpinned engine per thread: measured 1.2x (threads) to 1.4x (processes)
# the posters per second of one engine spreading each request over both cores, same text.
# Pinning must be off, or every engine's thread lands on the same core.
TUNED_ENGINE_PARAMS = {
    "EngineConfig.openvino.inference_num_threads": 1,
    "EngineConfig.openvino.enable_cpu_pinning": False,
}
_per_thread = threading.local()
# OpenVINO's CPU plugin keeps compiled kernels for every input shape it has seen (up to 5,000).
# Detection's input changes shape with the poster's size and recognition's with every batch
# of lines, so an engine grew by ~7 MB a poster (1.9 GB after 150 posters). With 300 kept it
# stays under 1 GB at the same speed; with none it is 25 % slower (docs/measurements.md).
SHAPE_CACHE_ENTRIES = 300
_KEPT_PROPERTIES = ("INFERENCE_NUM_THREADS", "ENABLE_CPU_PINNING", "INFERENCE_PRECISION_HINT")


def _recompiled(engine: RapidOCR, characters: RecogniserCharacters) -> RapidOCR:
    """Recompile the engine's detector and recogniser (rapidocr exposes no such setting)
    with the same CPU settings and a bounded shape cache, the recogniser scoring only the
    `characters` chosen (models/recogniser_classes.py). The angle classifier's input has
    one shape, so it is left as it is."""
    core = ov.Core()
    # rapidocr builds its models on first use; these build them now.
    recogniser = engine._load_rec_model()  # noqa: SLF001
    _restrict_characters(recogniser, characters)
    for model in (engine._load_det_model(), recogniser):  # noqa: SLF001
        # rapidocr's OpenVINO session: `model` as read, `session` its request.
        session = model.session
        compiled = session.session.get_compiled_model()
        config = {key: compiled.get_property(key) for key in _KEPT_PROPERTIES}
        config["CPU_RUNTIME_CACHE_CAPACITY"] = SHAPE_CACHE_ENTRIES
        session.session = core.compile_model(session.model, "CPU", config).create_infer_request()
    return engine


def _restrict_characters(recogniser: TextRecognizer, characters: RecogniserCharacters) -> None:
    """The recogniser's network and its CTC decoder cut to the same characters."""
    decoder = recogniser.postprocess_op
    keep = kept_classes(decoder.character, characters)
    if len(keep) == len(decoder.character):
        return
    restrict_output_classes(recogniser.session.model, keep, len(decoder.character))
    decoder.character = [decoder.character[index] for index in keep]
    decoder.dict = {character: index for index, character in enumerate(decoder.character)}


def _with_width_buckets(engine: RapidOCR, step: int) -> RapidOCR:
    """Recognise each line at its own width rounded up to `step` (line_recogniser.py);
    without a step, rapidocr's own batching."""
    if step > 0:
        engine.text_rec = WidthBucketRecogniser(engine.text_rec, step)
    return engine


def _reading_both_ways(engine: RapidOCR, both_ways: bool) -> RapidOCR:
    """Vertical lines cropped standing and read turned both ways (vertical_lines.py)."""
    if both_ways:
        engine.crop_text_regions = standing_crops
        engine.text_rec = BothWaysRecogniser(engine.text_rec)
    return engine


def _built(settings: OcrSettings, runtime_params: Mapping[str, object]) -> RapidOCR:
    from rapidocr import RapidOCR

    engine = RapidOCR(params=settings.rapidocr_params() | dict(runtime_params))
    recompiled = _recompiled(engine, settings.rec_characters)
    bucketed = _with_width_buckets(recompiled, settings.rec_width_step)
    return _reading_both_ways(bucketed, settings.vertical_both_ways)


@functools.cache
def _shared_engine(settings: OcrSettings) -> RapidOCR:
    return _built(settings, {})


def load_ocr_engine(
    settings: OcrSettings = RAPIDOCR_DEFAULTS, mode: RuntimeMode = RuntimeMode.TUNED
) -> RapidOCR:
    """The calling thread's engine when tuned; one shared engine with library defaults."""
    if mode is RuntimeMode.DEFAULTS:
        return _shared_engine(settings)
    engines: dict[OcrSettings, RapidOCR] = _per_thread.__dict__.setdefault("engines", {})
    if settings not in engines:
        engines[settings] = _built(settings, TUNED_ENGINE_PARAMS)
    return engines[settings]


def read_text_lines(engine: RapidOCR, rgb: np.ndarray) -> list[TextLine]:
    """OCR an RGB image; polygons in its pixels."""
    output = engine(np.ascontiguousarray(rgb[:, :, ::-1]))
    if output.boxes is None or output.txts is None:
        return []
    return [
        TextLine(text=str(text), confidence=float(score), polygon=np.asarray(box, float))
        for box, text, score in zip(output.boxes, output.txts, output.scores, strict=True)
    ]


def read_line_images(engine: RapidOCR, images: Sequence[np.ndarray]) -> list[str]:
    """What the engine's recogniser reads in each upright image of one line (uint8, 3
    channels), without detection."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    if not images:
        return []
    return [str(text) for text in engine.text_rec(TextRecInput(img=list(images))).txts]
