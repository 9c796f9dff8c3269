"""A real, throwaway PostgreSQL server for the multi-machine tests (Debian's postgresql)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from poster_assets_tests.ui_process import free_port


@dataclass(frozen=True)
class PostgresServer:
    port: int
    bin_dir: Path
    run_as: list[str]  # prefix that runs a command as the server's owner

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its name."""
        subprocess.run(
            [*self.run_as, str(self.bin_dir / "createdb"), "-h", "127.0.0.1",
             "-p", str(self.port), "-U", "postgres", name],
            check=True, capture_output=True,
        )  # fmt: skip
        return name

    def libpq(self, database: str) -> str:
        return f"dbname={database} host=127.0.0.1 port={self.port} user=postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"


def postgres_bin_dir() -> Path | None:
    """Where initdb is: on PATH, or in Debian's versioned folder (not on PATH)."""
    initdb = shutil.which("initdb")
    if initdb is not None:
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _owner_prefix() -> list[str] | None:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        return None
    check = subprocess.run(["id", "-u", "postgres"], capture_output=True)
    return ["runuser", "-u", "postgres", "--"] if check.returncode == 0 else None


def unavailable_reason() -> str | None:
    if postgres_bin_dir() is None:
        return "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)"
    if _owner_prefix() is None:
        return "running as root with no `postgres` user to run PostgreSQL as"
    return None


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    bin_dir, run_as = postgres_bin_dir(), _owner_prefix()
    assert bin_dir is not None and run_as is not None, unavailable_reason()
    folder = Path(tempfile.mkdtemp(prefix="poster-assets-pg-"))
    if run_as:
        shutil.chown(folder, user="postgres")
    data, port = folder / "data", free_port()
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
         "-l", str(folder / "log"), "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = PostgresServer(port, bin_dir, run_as)
    try:
        deadline = time.monotonic() + 60
        while subprocess.run(
            [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
        ).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not come up")
            time.sleep(0.2)
        yield server
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
