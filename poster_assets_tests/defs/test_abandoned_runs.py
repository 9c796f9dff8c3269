"""Telling a run's live process from a dead one or a newer one that reused its id."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from poster_assets.defs.abandoned_runs import process_start_time


def test_a_live_process_has_a_start_time_and_a_dead_one_none() -> None:
    started = process_start_time(os.getpid())
    assert started is not None and started <= time.time()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert process_start_time(child.pid) is None


def test_a_process_started_after_another_has_a_later_start_time() -> None:
    time.sleep(1.2)  # /proc start times count clock ticks, boot time whole seconds
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert process_start_time(child.pid) > process_start_time(os.getpid())
    finally:
        child.kill()
        child.wait()
