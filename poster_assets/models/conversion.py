"""Converting models to OpenVINO IR without OpenVINO's usage telemetry.

`ov.convert_model` reports usage to Google Analytics unless the user has opted out with
OpenVINO's `opt_in_out --opt_out`. It sends from a forked process; forked from our
multi-threaded processes (Dagster, the test runner) such a child can deadlock and hold up the
interpreter's exit (seen: pytest hung after its summary with 39 stuck children), and offline
the report cannot arrive anyway. OpenVINO turns telemetry off for a process whose environment
says CI (`CI=true`), read when conversion first sets telemetry up: the one switch it reads per
process, so conversion runs with it set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openvino as ov


@contextmanager
def _telemetry_off() -> Iterator[None]:
    before = os.environ.get("CI")
    os.environ["CI"] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ["CI"]
        else:
            os.environ["CI"] = before


def convert_model(source: Any, **options: Any) -> ov.Model:
    """`ov.convert_model(source, **options)` with telemetry off."""
    with _telemetry_off():
        return ov.convert_model(source, **options)
