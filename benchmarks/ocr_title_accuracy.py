"""Title accuracy and OCR time of OCR stage settings, on one split of a labelled corpus: the
OCR stage's engine and the titles stage's choice, without the rest of the graph (minutes where
`poster-assets eval titles` ingests everything). Choose settings on the training split; report
the test split once.

    python benchmarks/ocr_title_accuracy.py ../shared/data/posters --split train --n 500 \
        --settings '{"det_limit_side_len": 576}' --settings '{"use_angle_cls": true}'

Prints one JSON line per settings: posters, title_accuracy, title-in-OCR recall (as `eval
titles` counts it), mean OCR passes (retries included), OCR median/p90/mean ms per poster
(two processes, one single-threaded engine each). With `--metadata` each poster's reference
title is known, as the OCR and titles stages know it with `ingest --metadata`.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from multiprocessing import Pool
from pathlib import Path

from poster_assets.evaluation.corpus import read_labels
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.title_scorer import load_title_scorer
from poster_assets.stages.ocr import OcrPipeline, OcrStageSettings
from poster_assets.timing import median_p90_ms
from poster_assets.vision.text_lines import contains_title, titles_match
from poster_assets.vision.title_features import searchable_texts
from poster_assets.vision.title_selection import choose_title, locate_title

_pipeline: OcrPipeline
_settings: OcrStageSettings
_scorer = load_title_scorer()


def _start(settings: dict[str, object]) -> None:
    global _pipeline, _settings
    _settings = OcrStageSettings(**settings)
    _pipeline = OcrPipeline(_settings.ocr_settings())


def _one(job: tuple[Path, str, bool]) -> tuple[bool, bool, int, float]:
    """(title read right, title in the OCR at all, passes read, OCR seconds), as the OCR and
    titles stages do it."""
    path, title, known = job
    rgb = decode_image(read_image_bytes(path)).rgb
    start = time.perf_counter()
    sides, below = _settings.sides(), _settings.retry_below_confidence
    kept = _pipeline.read_poster(rgb, sides, below, _scorer, title if known else None)
    took = time.perf_counter() - start
    width, height = rgb.shape[1], rgb.shape[0]
    located = locate_title(kept.lines, width, height, title) if known else None
    chosen = (located or choose_title(kept.lines, width, height, _scorer)).text
    found = contains_title(searchable_texts(kept.lines), title)
    return bool(chosen) and titles_match(chosen, title), found, kept.passes, took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--split", choices=("train", "test"), default="train")
    parser.add_argument("--n", type=int, default=None, help="first N titled posters of the split")
    parser.add_argument("--settings", action="append", default=[], help="JSON; repeatable")
    parser.add_argument(
        "--metadata", action="store_true", help="locate each poster's known title, as with "
        "`ingest --metadata`",
    )  # fmt: skip
    args = parser.parse_args()
    labels = read_labels(args.corpus)
    chosen = labels[
        (labels["is_test"] == (args.split == "test")) & (labels["title"].str.strip() != "")
    ]
    chosen = chosen.head(args.n) if args.n else chosen
    jobs = [
        (args.corpus / "images" / name, title, args.metadata)
        for name, title in zip(chosen.file_name, chosen.title, strict=True)
    ]
    for text in args.settings or ["{}"]:
        settings = json.loads(text)
        with Pool(2, initializer=_start, initargs=(settings,)) as pool:
            results = pool.map(_one, jobs, chunksize=4)
        print(
            json.dumps(
                {
                    "settings": asdict(OcrStageSettings(**settings)),
                    "split": args.split,
                    "posters": len(results),
                    "metadata": args.metadata,
                    "title_accuracy": round(sum(r[0] for r in results) / len(results), 4),
                    "title_in_ocr_recall": round(sum(r[1] for r in results) / len(results), 4),
                    "mean_passes": round(sum(r[2] for r in results) / len(results), 3),
                    "ocr_ms": median_p90_ms([r[3] for r in results]),
                    "mean_ocr_ms": round(1000 * sum(r[3] for r in results) / len(results), 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
