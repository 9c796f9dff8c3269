"""OCR time per poster: rapidocr's defaults at native size (baseline) against the pipeline's
OCR settings, on the same posters in the same run, alternating so both see the same machine.

Prints JSON with median and p90 milliseconds per poster (decoding excluded, first call per
engine excluded as warm-up).

    python benchmarks/ocr_speed.py ../shared/data/posters [--n 100]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from poster_assets.evaluation.corpus import read_labels
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.stages.ocr import OcrPipeline, OcrStageSettings
from poster_assets.timing import median_p90_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    labels = read_labels(args.corpus, limit=args.n + 1)
    images = [decode_image(read_image_bytes(args.corpus / path)).rgb for path in labels["image"]]
    pipelines = {
        "rapidocr_defaults_native": OcrPipeline(),
        "pipeline": OcrPipeline(OcrStageSettings().ocr_settings()),
    }
    timings: dict[str, list[float]] = {name: [] for name in pipelines}
    for index, rgb in enumerate(images):
        for name, pipeline in pipelines.items():
            start = time.perf_counter()
            pipeline.read(np.ascontiguousarray(rgb))
            if index > 0:
                timings[name].append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "posters": len(images) - 1,
                "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
                **{name: median_p90_ms(seconds) for name, seconds in timings.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
