"""Start `dagster dev` (webserver + daemon) for one home, and stop it cleanly on a signal.

A process started in the background by a non-interactive shell inherits SIGINT as ignored,
and `dagster dev` then never hears Ctrl-C or our forwarded interrupt. We install our own
handlers (which also makes exec reset them to default in the child), forward SIGINT/SIGTERM
to `dagster dev` so it shuts its webserver and daemon down, and kill the whole process
group if that takes too long.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping

from poster_assets.defs.abandoned_runs import fail_abandoned_runs
from poster_assets.errors import PosterAssetsError
from poster_assets.home import HOME_ENV_VAR, PosterHome
from poster_assets.runs import open_instance

SHUTDOWN_GRACE_S = 20.0
GROUP_EXIT_WAIT_S = 2.0


def dagster_dev_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "poster_assets.definitions",
        "--host",
        host,
        "--port",
        str(port),
    ]


class PortInUseError(PosterAssetsError, OSError):
    """Another program listens on the port the UI was asked to use."""


def refuse_busy_port(host: str, port: int) -> None:
    """Checked before starting: dagster dev on a busy port keeps its daemon running with no
    webserver, silently."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the webserver does
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUseError(
                f"cannot listen on {host}:{port} ({error.strerror}): another program (an "
                f"earlier `poster-assets ui`?) uses it; pass --port"
            ) from error


def serve_ui(
    home: PosterHome,
    host: str,
    port: int,
    extra_env: Mapping[str, str] | None = None,
    on_ready: Callable[[], None] = lambda: None,
) -> int:
    """Blocks until dagster dev exits or we are told to stop; returns its exit code.
    `on_ready` is called once the webserver answers (dagster dev takes ~30 s to start)."""
    # Create its storages before dagster dev's processes race; free the slots of dead runs.
    fail_abandoned_runs(open_instance(home.ensure()))
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home.dagster_home),
        HOME_ENV_VAR: str(home.root),
        **(extra_env or {}),
    }
    stop_requested: list[int] = []

    def request_stop(signum: int, _frame: object) -> None:
        stop_requested.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        child = subprocess.Popen(dagster_dev_command(host, port), env=env, start_new_session=True)
        ready = False
        while child.poll() is None:
            if not ready and webserver_answers(host, port):
                ready = True
                on_ready()
            if stop_requested:
                stopped = _stop(child)
                fail_abandoned_runs(open_instance(home))  # the runs it cut off, now, not later
                return stopped
            try:
                child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
        return child.returncode
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def webserver_answers(host: str, port: int) -> bool:
    url_host = f"[{host}]" if ":" in host else host
    try:
        with urllib.request.urlopen(f"http://{url_host}:{port}/server_info", timeout=1) as reply:
            return reply.status == 200
    except OSError:  # refused, reset or timed out: not serving yet
        return False


def _stop(child: subprocess.Popen[bytes]) -> int:
    """Interrupt dagster dev (its graceful path), then kill its process group if it lingers."""
    child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout=SHUTDOWN_GRACE_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)  # webserver/daemon children, if any survived
        deadline = time.monotonic() + GROUP_EXIT_WAIT_S  # so that their runs can be marked
        while time.monotonic() < deadline:
            os.killpg(child.pid, 0)
            time.sleep(0.1)
    return 0
