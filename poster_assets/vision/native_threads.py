"""Native libraries' thread pools (OpenMP, BLAS) held at one thread while any caller needs it.

threadpoolctl's limits are process-wide, so two stage threads each limiting and restoring on
their own race: the first one out restores the pools while the other is still inside, and the
last one out can leave them at one thread for good. Here the first caller in sets the limit
and the last one out restores it."""

from __future__ import annotations

import functools
import threading
from types import TracebackType

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    # Finding the loaded libraries takes ~1.7 ms: once per process, not once per call.
    return ThreadpoolController()


class _OneNativeThread:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._limiter: object | None = None

    def __enter__(self) -> None:
        with self._lock:
            if self._inside == 0:
                self._limiter = _controller().limit(limits=1)
            self._inside += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with self._lock:
            self._inside -= 1
            if self._inside == 0:
                self._limiter.restore_original_limits()  # type: ignore[union-attr]
                self._limiter = None


one_native_thread = _OneNativeThread()
