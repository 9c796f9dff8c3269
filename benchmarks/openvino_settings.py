"""One network's inference time under OpenVINO's CPU settings: the default (LATENCY; bf16
where the CPU has it), f32, and THROUGHPUT (a stream per core, two requests at once). Shows
whether a network stage has anything left to gain from settings on this machine.

    python benchmarks/openvino_settings.py ../shared/models/pydnet/optimized_pydnet++.tflite \
        --shape 1 448 640 3 [--n 30]

Prints JSON: ms per inference (median) and per input when two run at once.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import openvino as ov

SETTINGS = {
    "default": {},
    "f32": {"INFERENCE_PRECISION_HINT": "f32"},
    "throughput": {"PERFORMANCE_HINT": "THROUGHPUT"},
}


def _timed(compiled: ov.CompiledModel, tensor: np.ndarray, n: int) -> dict[str, float]:
    request = compiled.create_infer_request()
    request.infer([tensor])
    seconds = []
    for _ in range(n):
        start = time.perf_counter()
        request.infer([tensor])
        seconds.append(time.perf_counter() - start)
    queue = ov.AsyncInferQueue(compiled, 2)
    start = time.perf_counter()
    for _ in range(n):
        queue.start_async([tensor])
    queue.wait_all()
    return {
        "ms_one_request": round(statistics.median(seconds) * 1000, 1),
        "ms_per_input_two_requests": round((time.perf_counter() - start) / n * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model", type=Path)
    parser.add_argument("--shape", type=int, nargs="+", required=True)
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    core = ov.Core()
    tensor = np.random.default_rng(0).random(args.shape, dtype=np.float32)
    results = {}
    for name, config in SETTINGS.items():
        compiled = core.compile_model(str(args.model), "CPU", config)
        results[name] = {
            "precision": str(compiled.get_property("INFERENCE_PRECISION_HINT")),
            "streams": compiled.get_property("NUM_STREAMS"),
            **_timed(compiled, tensor, args.n),
        }
    print(json.dumps({"machine": platform.machine(), "model": args.model.name, **results}))


if __name__ == "__main__":
    main()
