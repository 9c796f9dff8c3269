"""Start `poster-assets ui` as a user would, and talk to it over HTTP."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

CONSOLE_SCRIPT = str(Path(sys.executable).parent / "poster-assets")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_ui(home: Path, port: int, watch: Path | None = None) -> subprocess.Popen[bytes]:
    """Start the UI with SIGINT ignored (as if backgrounded) and wait until it prints its URL;
    with `watch`, the new-poster sensor watches that folder. The URL is printed only once the
    webserver answers: checked here at once."""
    # `trap '' INT` is what a non-interactive shell does to a job it puts in the background;
    # not a preexec_fn, which runs Python in a forked copy of this multi-threaded process and
    # can deadlock there on a lock another thread held at the fork.
    arguments = [CONSOLE_SCRIPT, "ui", "--home", str(home), "--port", str(port)]
    command = shlex.join(arguments + (["--watch", str(watch)] if watch else []))
    printed = home.parent / f"ui-{port}.out"
    with printed.open("wb") as stdout:
        process = subprocess.Popen(
            ["sh", "-c", f"trap '' INT; exec {command}"], stdout=stdout, stderr=subprocess.DEVNULL
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while f"Dagster UI on {url}" not in printed.read_text():
        if process.poll() is not None:
            raise RuntimeError(f"ui exited with {process.returncode} before serving")
        if time.monotonic() > deadline:
            process.kill()
            raise TimeoutError("the UI printed no URL in 120 s")
        time.sleep(0.2)
    with urllib.request.urlopen(f"{url}/server_info", timeout=2) as reply:
        if reply.status != 200:
            raise RuntimeError(f"the UI printed its URL before it answered ({reply.status})")
    return process


def graphql(port: int, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        body = json.loads(reply.read())
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    return body["data"]


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains `text` (e.g. a home's path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found
