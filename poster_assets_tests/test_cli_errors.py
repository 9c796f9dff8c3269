"""Every user mistake the reliability review found as a traceback now ends in one line that
says what to do, and a non-zero exit (usage errors 2, the rest 1)."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from poster_assets.cli import main
from poster_assets.home import PosterHome
from poster_assets.store.opening import open_database


def _refused(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (1, 2), (args, result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    if result.exit_code == 1:
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return result.exit_code, result.output


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_each_mistake_is_one_line(
    home: PosterHome, tmp_path: Path, demo_corpus: Path, busy_port: int
) -> None:
    root = str(home.root)
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "posters.duckdb").write_bytes(b"not a database" * 1000)
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    images = str(demo_corpus / "images")
    cases = {
        ("ingest", images, "--batch-size", "0", "--home", root): "Invalid value for '--batch-size'",
        ("ingest", images, "--workers", "100000", "--home", root): "Invalid value for '--workers'",
        ("similar", "ab", "-k", "-1", "--home", root): "Invalid value for '-k'",
        ("sql", "SELECT 1", "--home", "/proc/no-home"): "cannot use /proc/no-home as the home",
        ("sql", "SELECT 1", "--home", str(a_file / "home")): "(Not a directory)",
        ("sql", "", "--home", root): "the query is empty",
        ("ingest", images, "--home", str(corrupt)): "is not a DuckDB file",
        ("sql", "SELECT 1", "--home", str(corrupt)): "Move it aside",
        ("ui", "--home", root, "--port", str(busy_port)): f"cannot listen on 127.0.0.1:{busy_port}",
        ("models", "use", "pydnet", "--path", images + "/../labels.csv", "--home", root): (
            "nothing was registered"
        ),
    }
    for args, message in cases.items():
        _, output = _refused(list(args))
        assert message in output, (args, output)


def test_a_store_written_by_a_newer_duckdb_is_one_line(home: PosterHome) -> None:
    data = Path(__file__).parent / "data" / "empty-duckdb-2.0.1.duckdb.gz"
    home.duckdb_path.write_bytes(gzip.decompress(data.read_bytes()))
    _, output = _refused(["sql", "SELECT 1", "--home", str(home.root)])
    assert "newer DuckDB" in output


def test_show_into_a_folder_that_is_missing_or_a_full_disk_is_one_line(
    layered_home: PosterHome,
) -> None:
    with open_database(layered_home).read() as connection:
        (poster_id,) = connection.execute("SELECT poster_id FROM layers LIMIT 1").fetchone()
    show = ["show", poster_id, "--home", str(layered_home.root), "--out"]
    _, missing = _refused([*show, "/proc/no-such-folder/x.png"])
    assert "No such file or directory: /proc/no-such-folder/x.png" in missing
    _, full = _refused([*show, "/dev/full"])  # every write answers ENOSPC
    assert "No space left on device" in full and "free some space" in full
