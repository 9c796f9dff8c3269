"""One place that compiles networks for the CPU, with OpenVINO's model cache so that later
processes skip most of the compile, and calls them safely from several threads."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import openvino as ov
import pooch
from filelock import FileLock


def packaged_model_cache() -> Path:
    """Where packaged networks' compiled forms are cached: one per user, not per home, since
    the files are the same for every home (the COCO detector takes ~28 s to read and compile
    cold, ~1 s from this cache; without it every new home and worker paid that)."""
    return Path(pooch.os_cache("poster-assets")) / "openvino"


def compile_for_cpu(
    model: ov.Model | Path,
    cache_dir: Path | None,
    exact_f32: bool = False,
    streams: int = 1,
) -> ov.CompiledModel:
    """Pass a path where the network is used as it is: with a warm cache OpenVINO then skips
    reading it too (the COCO detector's graph takes seconds to read). `exact_f32` keeps f32
    arithmetic on CPUs where OpenVINO would otherwise infer in bf16, so that vectors are the
    same on every machine.

    With one stream, OpenVINO's default (LATENCY: one stream over every core). `streams` > 1
    compiles for THROUGHPUT, a stream per thread that calls it at once: the detectors and the
    ImageNet network then give the same outputs 20-40 % faster with two posters in flight
    (docs/measurements.md, "Throughput at 200 posters"). PyDNet's outputs change under it,
    so depth keeps one stream."""
    core = ov.Core()
    config: dict[str, object] = {"INFERENCE_PRECISION_HINT": "f32"} if exact_f32 else {}
    if streams > 1:
        config |= {"PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": streams}
    source = model if isinstance(model, ov.Model) else str(model)
    try:
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        cache_dir = None  # an unwritable cache (say, a read-only home directory): compile anew
    if cache_dir is None:
        return core.compile_model(source, "CPU", config)
    core.set_property({"CACHE_DIR": str(cache_dir)})
    # Processes compiling into one cache at once collide on its blob files ("cannot set
    # permissions: No such file or directory"): one compiles, the others then read its blob.
    with FileLock(str(cache_dir / ".compile.lock")):
        return core.compile_model(source, "CPU", config)


def with_outputs(model: ov.Model, outputs: Sequence[ov.Output]) -> ov.Model:
    """The network computing `outputs` only: OpenVINO drops the branches that feed nothing
    else (PyDNet++ computes three depth maps and we use one: 11 % of its time)."""
    return ov.Model(list(outputs), model.get_parameters(), model.get_friendly_name())


@functools.cache
def initialise_numpy_bridge() -> None:
    """Call once on one thread before threads use OpenVINO. Its bindings set up their NumPy
    bridge on first use, and two threads making that first use at once can deadlock (a static
    initialiser waits for the GIL that the other thread holds while it waits on the same
    initialiser). Seen as a hung ingest; reproduced as 6 of 20 fresh processes whose 8 threads
    first inferred at once, 0 of 30 after this call."""
    ov.Tensor(np.zeros(1, np.float32)).data  # noqa: B018 - the access is the point


class ThreadedInfer:
    """A compiled network callable from several threads at once: the compiled model is
    shared, and each thread gets its own infer request (a request is not thread-safe)."""

    def __init__(self, compiled: ov.CompiledModel) -> None:
        self.compiled = compiled
        self._local = threading.local()

    def __call__(self, inputs: np.ndarray) -> ov.OVDict:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        return request.infer(inputs)
