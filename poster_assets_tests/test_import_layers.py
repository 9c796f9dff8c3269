"""Dependencies point one way: a package imports only from its own layer or lower ones
(docs/architecture.md lists the layers)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from poster_assets_tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "poster_assets"
LAYERS = [
    {"errors", "home", "timing", "json_records"},  # foundations
    {"imaging", "vision", "video", "corpus", "demo", "neighbours"},  # pixels, files, vectors
    {"models"},  # loading and running networks
    {"stages", "ssl", "fusion"},  # per-poster stages; self-supervised and fused training (torch)
    {"store"},  # DuckDB / DuckLake schema, writes and queries
    {"pretraining", "evaluation", "report"},  # work on a store: training, measurements, report
    {"defs"},  # the Dagster layer
    {"definitions", "runs", "scale", "bench", "cli", "ui_server"},  # entry points
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("poster_assets.")}
    return found


def _upward_imports() -> set[tuple[str, str]]:
    upward = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        own = relative.with_suffix("").parts[0]
        for target in _imports(path) - {own}:
            if RANK[target] > RANK[own]:
                upward.add((relative.as_posix(), target))
    return upward


def test_every_package_has_a_layer() -> None:
    packages = {
        path.with_suffix("").name
        for path in PACKAGE.iterdir()
        if path.suffix == ".py" or (path / "__init__.py").exists()
    }
    assert packages - {"__init__"} == set(RANK)


def test_no_package_imports_from_a_higher_layer() -> None:
    assert _upward_imports() == set()


def test_sql_lives_in_the_store() -> None:
    outside = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "store" and ".execute(" in path.read_text()
    ]
    assert outside == []


def _imported_by(modules: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` a fresh interpreter has imported after importing `modules`."""
    probe = f"import sys; import {modules}; print([n for n in {names!r} if n in sys.modules])"
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return ast.literal_eval(found.strip())


HEAVY = ("sklearn", "rapidocr", "matplotlib", "skimage", "scipy.ndimage", "scipy.cluster")


def test_opening_the_store_leaves_the_stages_and_heavy_libraries_unimported() -> None:
    """Commands that only read the store (`sql`, `similar`) build its schema from the tables
    declared in stages/tables.py: the stages' code, the networks and image libraries (~0.3 s
    more, and ~2.5 s more before they were imported lazily) wait for a stage's work."""
    stage_code = ("poster_assets.stages.registry", "poster_assets.models.embedder")
    libraries = ("openvino", "cv2", "torch", *HEAVY)
    store = "poster_assets.store.similarity, poster_assets.store.opening"
    assert _imported_by(store, stage_code + libraries) == []


def test_the_stages_heavy_libraries_wait_for_their_work() -> None:
    """The stage registry (the asset graph imports it) does not pull in the libraries only a
    stage's work needs (~2.5 s to import together)."""
    assert _imported_by("poster_assets.stages.registry", HEAVY) == []
