"""What a per-poster analysis stage is. One declaration per stage; the asset graph,
staleness, the bench's stage list and its table comparison are all derived from these
declarations (`stages/registry.py`); the tables they name are declared in `stages/tables.py`,
where the store reads them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from poster_assets.home import PosterHome
from poster_assets.imaging.kept_copies import PosterCopies
from poster_assets.imaging.poster_pixels import RUN_ARRAYS
from poster_assets.stages.tables import TableSpec


class RowReader(Protocol):
    """Stored rows of given posters, and where their bytes are; the store implements it
    (`store/stages.StoredRows`)."""

    def rows(self, table: str, poster_ids: Sequence[str]) -> pd.DataFrame: ...

    def poster_rgb(self, poster_id: str, path: str) -> np.ndarray: ...


@dataclass
class PosterInput:
    """One poster as a stage's per-poster function sees it: `rgb` is the registered bytes,
    decoded on first use and shared by the stages of one `decode_scope` (a run) in this
    process (read-only), as are arrays they compute alike (`shared`); `upstream` holds this
    poster's rows of each table the stage reads."""

    decode_scope: str
    poster_id: str
    path: str
    width: int
    height: int
    copies: PosterCopies
    upstream: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def rgb(self) -> np.ndarray:
        return RUN_ARRAYS.rgb(
            self.decode_scope, self.poster_id, lambda: self.copies.rgb(self.poster_id, self.path)
        )

    def shared(self, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """An array several stages compute alike from this poster (read-only), computed once
        per run where it fits beside the decodes."""
        return RUN_ARRAYS.array(self.decode_scope, self.poster_id, name, compute)


Rows = Mapping[str, list[dict]]  # table name -> rows without poster_id and batch_id
ProcessPoster = Callable[[PosterInput], Rows]


@dataclass(frozen=True)
class PreparedStage:
    """A stage ready to run: its version (settings and model files, known without loading a
    network), how to load its per-poster function (networks are loaded only when a poster is
    pending), and, for a table several stages share, the rows this one owns."""

    version: str
    load: Callable[[], ProcessPoster]
    model: str | None = None  # shown in the asset's metadata
    scope: tuple[str, str] | None = None  # (column, value) of the rows this stage replaces


def ready(process: ProcessPoster) -> Callable[[], ProcessPoster]:
    """`load` for a stage whose per-poster function needs nothing loaded."""
    return lambda: process


@dataclass(frozen=True)
class StageContext:
    home: PosterHome
    settings: object  # an instance of the stage's `settings` dataclass
    library_defaults: bool = False  # run models as their libraries default (the bench's baseline)
    workers: int = 1  # posters a parallel stage takes at once; networks compile a stream each


@dataclass(frozen=True)
class NoSettings:
    """For stages with nothing to configure."""


def no_summary(tables: Mapping[str, pd.DataFrame]) -> dict[str, object]:
    return {}


def no_preview(rows: RowReader, poster_ids: Sequence[str]) -> bytes | None:
    return None


@dataclass(frozen=True)
class StageSpec:
    """Everything about one per-poster stage. `upstream` names the stages whose rows it reads
    or that must run first: a poster is redone when an upstream stage finished it after this
    one did. `reads` are tables (of upstream stages, or CORE_READS) whose rows of each poster
    `process` receives; a poster with no
    rows in one of `requires` is left for later (not failed)."""

    name: str  # in stage_runs and failures
    asset: str  # the Dagster asset key
    description: str
    group: str
    kinds: tuple[str, ...]  # what the UI shows on the asset
    tables: tuple[TableSpec, ...]
    prepare: Callable[[StageContext], PreparedStage]
    upstream: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    settings: type = NoSettings
    summarize: Callable[[Mapping[str, pd.DataFrame]], dict[str, object]] = no_summary
    # A table of the batch for the asset's page, from the batch's rows of `tables` (each with
    # its poster's `poster_path`): plain columns, first posters first.
    listing: Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame] | None = None
    # One PNG of the given posters (the batch's first), shown on the asset's page.
    preview: Callable[[RowReader, Sequence[str]], bytes | None] = no_preview
    preview_caption: str = ""
    # Several posters at once in worker threads (PosterCompute.workers): for stages whose work
    # is single-threaded native code that releases the GIL (OCR engines, GrabCut, SLIC) and
    # networks compiled with a stream per worker (StageContext.workers). Measured slower for
    # PyDNet, whose outputs change with streams, and for stages bound by Python
    # (docs/measurements.md, "Throughput"), which run one at a time.
    parallel: bool = False

    def table(self, name: str) -> TableSpec:
        return next(table for table in self.tables if table.name == name)
