"""One place that compiles networks for the CPU, with OpenVINO's model cache so that later
processes skip most of the compile."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
from filelock import FileLock


def compile_for_cpu(
    model: ov.Model | Path, cache_dir: Path | None, exact_f32: bool = False
) -> ov.CompiledModel:
    """Pass a path where the network is used as it is: with a warm cache OpenVINO then skips
    reading it too (the COCO detector's graph takes seconds to read). `exact_f32` keeps f32
    arithmetic on CPUs where OpenVINO would otherwise infer in bf16, so that vectors are the
    same on every machine."""
    core = ov.Core()
    config = {"INFERENCE_PRECISION_HINT": "f32"} if exact_f32 else {}
    source = model if isinstance(model, ov.Model) else str(model)
    if cache_dir is None:
        return core.compile_model(source, "CPU", config)
    cache_dir.mkdir(parents=True, exist_ok=True)
    core.set_property({"CACHE_DIR": str(cache_dir)})
    # Processes compiling into one cache at once collide on its blob files ("cannot set
    # permissions: No such file or directory"): one compiles, the others then read its blob.
    with FileLock(str(cache_dir / ".compile.lock")):
        return core.compile_model(source, "CPU", config)
