"""Depth and layer time per poster, and the depth network's load+compile time without and
with OpenVINO's model cache (CACHE_DIR), each measured in a fresh subprocess.

    python benchmarks/depth_speed.py ../shared/data/posters \
        ../shared/models/pydnet/optimized_pydnet++.tflite [--n 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from poster_assets.evaluation.corpus import read_labels
from poster_assets.imaging.decode import decode_image, read_image_bytes
from poster_assets.models.depth import KNOWN_DEPTH_SPECS, DepthEstimator, DepthModelRef
from poster_assets.stages.layers import poster_layers
from poster_assets.timing import median_p90_ms
from poster_assets.vision.depth import decode_depth_png, encode_depth_png, normalise_depth

COMPILE_SNIPPET = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from poster_assets.models.depth import KNOWN_DEPTH_SPECS, DepthEstimator, DepthModelRef
ref = DepthModelRef("pydnet", Path(sys.argv[1]), KNOWN_DEPTH_SPECS["pydnet"])
imported = time.perf_counter()
DepthEstimator(ref, Path(sys.argv[2]) if len(sys.argv) > 2 else None)
print(time.perf_counter() - imported)
"""


def _compile_seconds(model: Path, cache_dir: Path | None) -> float:
    args = [sys.executable, "-c", COMPILE_SNIPPET, str(model)]
    if cache_dir is not None:
        args.append(str(cache_dir))
    return float(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("model", type=Path)
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        no_cache = [_compile_seconds(args.model, None) for _ in range(3)]
        cold = _compile_seconds(args.model, Path(cache))
        warm = [_compile_seconds(args.model, Path(cache)) for _ in range(3)]
    estimator = DepthEstimator(
        DepthModelRef("pydnet", args.model, KNOWN_DEPTH_SPECS["pydnet"]), cache_dir=None
    )
    labels = read_labels(args.corpus, limit=args.n)
    depth_s, layers_s = [], []
    for path in labels["image"]:
        rgb = decode_image(read_image_bytes(args.corpus / path)).rgb
        start = time.perf_counter()
        depth = normalise_depth(estimator.predict(rgb), larger_is_farther=True)
        stored = decode_depth_png(encode_depth_png(depth))
        depth_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        poster_layers(stored, rgb, (10.0, 10.0, 100.0, 60.0), k=3)
        layers_s.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "posters": len(depth_s),
                "depth_incl_encoding": median_p90_ms(depth_s),
                "layers_k3": median_p90_ms(layers_s),
                "compile_s_without_cache_median": round(statistics.median(no_cache), 3),
                "compile_s_first_with_empty_cache": round(cold, 3),
                "compile_s_with_warm_cache_median": round(statistics.median(warm), 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
