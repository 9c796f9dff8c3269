"""`poster-assets`: ingest folders, query the DuckDB file, open the UI, run the demo."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from poster_assets.fusion.settings import ABLATIONS, FusionSettings
from poster_assets.home import PosterHome, resolve_home
from poster_assets.ssl.curriculum import SCHEDULES
from poster_assets.ssl.task_names import TASKS

home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Home folder (DuckDB file, Dagster instance, caches). "
    "Default: $POSTER_ASSETS_HOME, else ./.poster_assets",
)


# More threads than this only add memory: 64 on 2 cores ran 2.2x slower at 2.4x the memory.
WORKERS = click.IntRange(min=0, max=4 * (os.cpu_count() or 1))
WORKERS_HELP = "Posters each stage processes at once; 0: one per CPU core; at most 4 per core."


def _home(home: Path | None) -> PosterHome:
    return resolve_home(home, os.environ)


class PosterAssetsGroup(click.Group):
    """Turns the project's errors into one line and exit status 1, in one place."""

    def invoke(self, ctx: click.Context) -> object:
        import duckdb

        from poster_assets.errors import PosterAssetsError

        try:
            return super().invoke(ctx)
        except (PosterAssetsError, duckdb.Error) as error:
            first_line = str(error).strip().splitlines()[0]  # DuckDB adds the query, caret
            raise click.ClickException(first_line) from error
        except OSError as error:  # the machine's answer: no space, no permission, no such file
            raise click.ClickException(_os_error_line(error)) from error


def _os_error_line(error: OSError) -> str:
    where = f": {error.filename}" if error.filename else ""
    hint = (
        " (free some space, or use a home on another disk)" if error.errno == errno.ENOSPC else ""
    )
    return f"{error.strerror or error}{where}{hint}"


@click.group(cls=PosterAssetsGroup)
def main() -> None:
    """Poster images in, structured and queryable signals out (Dagster + DuckDB)."""


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@home_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Most files per batch.",
)
@click.option("--verbose", is_flag=True, help="Show Dagster's event log while running.")
@click.option(
    "--metadata",
    "metadata_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV with an id or file-name column and title, year, genres; joined by file name "
    "into table `metadata`.",
)
@click.option(
    "--trailers",
    "trailers_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV pairing posters (id or file-name column) with trailer videos (column `trailer`, "
    "relative to the CSV). Videos under DIRECTORY are paired by file stem without it.",
)
@click.option("--workers", type=WORKERS, default=0, show_default=True, help=WORKERS_HELP)
def ingest(
    directory: Path,
    home: Path | None,
    batch_size: int,
    verbose: bool,
    metadata_csv: Path | None,
    trailers_csv: Path | None,
    workers: int,
) -> None:
    """Find new images (and trailer videos) under DIRECTORY, recursively, and materialize the
    graph for them."""
    from poster_assets.corpus.metadata import read_metadata_csv
    from poster_assets.corpus.trailers import read_trailers_csv
    from poster_assets.defs.resources import PosterCompute
    from poster_assets.runs import ingest_directory, materialize_batches
    from poster_assets.store.metadata import store_metadata
    from poster_assets.store.opening import open_database
    from poster_assets.store.trailers import match_trailers, register_trailer_files

    metadata = read_metadata_csv(metadata_csv) if metadata_csv else None  # fails early
    named_trailers = read_trailers_csv(trailers_csv) if trailers_csv else []
    paths = _home(home)
    db = open_database(paths.ensure())
    register_trailer_files(db, named_trailers)
    # Posters known before this ingest take the metadata and trailers now; their batches
    # rerun after it.
    known_changed = set(match_trailers(db).changed_batches)
    if metadata is not None and metadata_csv is not None:
        known_changed |= set(
            store_metadata(db, metadata, str(metadata_csv.resolve())).changed_batches
        )
    report = ingest_directory(
        paths,
        directory,
        batch_size=batch_size,
        quiet_dagster_logs=not verbose,
        asset_config=_metadata_config(metadata_csv),
        compute=PosterCompute(workers=workers),
    )
    click.echo(f"files found:        {report.files_found}")
    click.echo(f"unchanged, skipped: {report.unchanged_skipped}")
    click.echo(f"new posters:        {report.new_posters}")
    click.echo(f"already known:      {report.already_known}")
    click.echo(f"failed:             {report.failed_files}")
    if report.resumed_batches:
        click.echo(f"resumed unfinished batches: {', '.join(report.resumed_batches)}")
    if report.ignored_other_extensions:
        click.echo(f"ignored (not an image or video extension): {report.ignored_other_extensions}")
    for folder in report.unreadable_dirs:
        click.echo(f"warning: could not list folder {folder} (a row in failures)", err=True)
    if report.failed_files:
        click.echo('see: poster-assets sql "SELECT path, kind, message FROM failures"')
    if metadata is not None and metadata_csv is not None:
        # New posters were joined by the runs before their stages; this is for the counts.
        loaded = store_metadata(db, metadata, str(metadata_csv.resolve()))
        click.echo(
            f"metadata: {loaded.posters_matched} posters from {loaded.rows} rows "
            f"({loaded.rows_unmatched} rows matched no poster, "
            f"{loaded.duplicate_rows} repeated a poster)"
        )
        known_changed |= set(loaded.changed_batches)
    trailers = match_trailers(db)
    known_changed |= set(trailers.changed_batches)
    if report.videos_found or named_trailers or trailers.posters_with_trailer:
        click.echo(
            f"trailers: {trailers.posters_with_trailer} posters have one "
            f"({trailers.unpaired_videos} videos paired with no poster: no file stem, id or "
            "CSV row matched, or another video won)"
        )
    ran = {summary.batch_id for summary in report.batches} | set(report.resumed_batches)
    rerun = sorted(known_changed - ran)
    if rerun:
        click.echo(f"rerunning {len(rerun)} batches for new metadata or trailers")
        report.failed_runs += materialize_batches(
            paths, rerun, not verbose, compute=PosterCompute(workers=workers)
        )
    _next_steps(paths)
    if report.failed_runs:
        click.echo(f"error: runs failed for batches: {', '.join(report.failed_runs)}", err=True)
        sys.exit(1)


def _next_steps(paths: PosterHome) -> None:
    """Where the rows are and what to do with them, after `ingest` and `demo`."""
    from poster_assets.store.opening import open_database

    home = f" --home {paths.root}"
    click.echo(f"rows in:     {open_database(paths).location}")
    click.echo(f'query it:    poster-assets sql "SELECT * FROM titles LIMIT 5"{home}')
    click.echo(f"look at it:  poster-assets report --out poster-report{home}")
    click.echo(f"open the UI: poster-assets ui{home}")


@main.command()
@home_option
@click.option("--workers", type=WORKERS, default=0, show_default=True, help=WORKERS_HELP)
def refresh(home: Path | None, workers: int) -> None:
    """Rerun every batch of the home: stages fill in what is missing or out of date (depth for
    posters ingested before a depth model was registered) and skip what is done."""
    from poster_assets.defs.resources import PosterCompute
    from poster_assets.runs import refresh_batches

    count, failed = refresh_batches(_home(home).ensure(), PosterCompute(workers=workers))
    click.echo(f"batches rerun: {count}")
    if failed:
        click.echo(f"error: runs failed for batches: {', '.join(failed)}", err=True)
        sys.exit(1)


@main.command()
@click.argument("query")
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
def sql(query: str, home: Path | None, as_json: bool) -> None:
    """Run one read-only SQL QUERY on the store (the DuckDB file, or the lake) and print the
    rows. It cannot write or read other files, and never makes an ingest fail."""
    from poster_assets.json_records import records_json
    from poster_assets.store.opening import open_database
    from poster_assets.store.user_query import run_user_query

    frame = run_user_query(open_database(_home(home).ensure()), query)
    if as_json:
        click.echo(records_json(frame))
    elif not len(frame.columns):
        click.echo("(no result)")
    elif frame.empty:
        click.echo(f"(no rows; columns: {', '.join(map(str, frame.columns))})")
    else:
        click.echo(frame.to_string(index=False))


@main.command()
@home_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option(
    "--watch",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder for the new-poster sensor (sets $POSTER_ASSETS_WATCH_DIR).",
)
def ui(home: Path | None, host: str, port: int, watch: Path | None) -> None:
    """Start the Dagster webserver and daemon for this home; Ctrl-C or SIGTERM stops both."""
    from poster_assets.definitions import WATCH_DIR_ENV_VAR
    from poster_assets.ui_server import refuse_busy_port, serve_ui

    refuse_busy_port(host, port)
    extra_env = {WATCH_DIR_ENV_VAR: str(watch.resolve())} if watch else {}
    click.echo("starting the Dagster webserver and daemon (about 30 s)...")

    def ready() -> None:
        click.echo(f"Dagster UI on http://{host}:{port} (Ctrl-C to stop)")

    sys.exit(serve_ui(_home(home), host, port, extra_env, on_ready=ready))


def _metadata_config(metadata_csv: Path | None) -> dict[str, dict[str, object]] | None:
    """Run config that joins the CSV onto the posters before the stages run."""
    return {"posters": {"metadata_csv": str(metadata_csv.resolve())}} if metadata_csv else None


@main.command()
@home_option
@click.option("--count", default=24, show_default=True, help="Posters to generate.")
def demo(home: Path | None, count: int) -> None:
    """Generate the built-in demo corpus (once) and run the whole graph on it."""
    from poster_assets.demo.generator import generate_demo_corpus
    from poster_assets.demo.trailers import DEMO_TRAILERS, write_demo_trailers
    from poster_assets.runs import ingest_directory
    from poster_assets.store.opening import open_database
    from poster_assets.store.posters import corpus_totals

    paths = _home(home).ensure()
    corpus = paths.demo_corpus_dir
    if not (corpus / "labels.csv").exists():
        click.echo(f"generating {count} demo posters and {DEMO_TRAILERS} trailers in {corpus}")
        generate_demo_corpus(corpus, count=count)
        write_demo_trailers(corpus)
    report = ingest_directory(
        paths, corpus / "images", asset_config=_metadata_config(corpus / "labels.csv")
    )
    totals = corpus_totals(open_database(paths))
    click.echo(
        f"this run: {report.new_posters} new posters, {report.already_known} already known, "
        f"{report.unchanged_skipped} unchanged files skipped, {report.failed_files} failed"
    )
    click.echo(
        f"in total: {totals.posters} posters, {totals.failures} failures, {totals.batches} batches"
    )
    _next_steps(paths)
    if report.failed_runs:
        sys.exit(1)


@main.command()
@click.argument("poster_id")
@click.option(
    "-k",
    "k",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many neighbours.",
)
@click.option(
    "--region",
    default="poster",
    show_default=True,
    help="poster, foreground, foreground_pooled or background_pooled.",
)
@click.option("--model", default=None, help="Embedding model (default: the ImageNet one).")
@click.option(
    "--exact", is_flag=True, help="Scan every vector instead of using the index (slow at scale)."
)
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
def similar(
    poster_id: str,
    k: int,
    region: str,
    model: str | None,
    exact: bool,
    home: Path | None,
    as_json: bool,
) -> None:
    """The posters most like POSTER_ID (a unique prefix will do), by cosine similarity: through
    the embedding index where it holds the poster, else by an exact scan."""
    from poster_assets.models.packaged import EMBEDDING_MODEL_NAME
    from poster_assets.store.opening import open_database
    from poster_assets.store.similarity import similar_posters

    paths = _home(home).ensure()
    found, method = similar_posters(
        open_database(paths),
        None if exact else paths.index_dir,
        poster_id,
        k=k,
        region=region,
        model=model or EMBEDDING_MODEL_NAME,
    )
    click.echo(f"found by: {method}", err=True)
    if as_json:
        click.echo(found.to_json(orient="records", indent=2))
    else:
        click.echo(found.fillna("").to_string(index=False))


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write index.html and its pictures into (created).",
)
@click.option(
    "--batch", "batch_ids", multiple=True, help="A batch id (repeat for more); default: all."
)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Most posters, first by batch and path.")  # fmt: skip
@click.option("-k", "k", type=click.IntRange(min=0), default=5, show_default=True,
              help="Nearest neighbours per poster.")  # fmt: skip
@home_option
def report(out: Path, batch_ids: tuple[str, ...], limit: int, k: int, home: Path | None) -> None:
    """Write a static HTML report of batches' posters (anatomy, titles read, what was found,
    nearest neighbours) that opens offline in a browser."""
    from poster_assets.report.batch_report import ReportSettings, write_report
    from poster_assets.store.opening import open_database

    paths = _home(home).ensure()
    settings = ReportSettings(batch_ids=batch_ids, limit=limit, neighbours=k)
    page = write_report(paths, open_database(paths), out, settings)
    click.echo(f"report: {page.resolve()}")


@main.group(name="eval")
def evaluate() -> None:
    """Measure the pipeline on a labelled corpus (labels.csv + images/)."""


depth_model_option = click.option(
    "--depth-model", default=None, help="Register this depth network first (NAME)."
)
depth_path_option = click.option(
    "--depth-path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="File of the --depth-model network.",
)
limit_option = click.option(
    "--limit", type=int, default=None, help="Only the first N posters by imdb_id."
)


def _evaluation_home(
    home: Path | None, scratch: Path, depth_model: str | None = None, depth_path: Path | None = None
) -> PosterHome:
    """--home if given (reused: stages redo only what changed), else a temporary one."""
    from poster_assets.models.registry import register_depth_model

    paths = (resolve_home(home, {}) if home else PosterHome(scratch / "home")).ensure()
    if depth_model and depth_path:
        register_depth_model(paths.models_dir, depth_model, depth_path)
    return paths


def _evaluation_images(corpus: Path, limit: int | None, scratch: Path, split: str = "all") -> Path:
    from poster_assets.evaluation.corpus import link_subset, read_labels

    if limit is None and split == "all":
        return corpus / "images"
    labels = read_labels(corpus, limit)
    if split != "all":
        labels = labels[labels["is_test"] == (split == "test")]
    return link_subset(corpus, labels, scratch / "subset")


def _fail_on(failed: list[str]) -> None:
    if failed:
        raise click.ClickException(f"runs failed: {', '.join(failed)}")


@evaluate.command(name="titles")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@home_option
@limit_option
@click.option(
    "--ocr-config",
    default="{}",
    help="JSON config for the ocr_lines/titles assets, e.g. '{\"upscale_to_width\": 0}'.",
)
def eval_titles(corpus: Path, home: Path | None, limit: int | None, ocr_config: str) -> None:
    """Ingest CORPUS (into a temporary home unless --home) and print title metrics as JSON."""
    import tempfile

    from poster_assets.evaluation.corpus import read_labels
    from poster_assets.evaluation.titles import title_report
    from poster_assets.runs import process_corpus
    from poster_assets.store.opening import open_database

    labels = read_labels(corpus, limit)
    config = json.loads(ocr_config)
    with tempfile.TemporaryDirectory() as scratch:
        paths = _evaluation_home(home, Path(scratch))
        images = _evaluation_images(corpus, limit, Path(scratch))
        failed = process_corpus(paths, images, {"ocr_lines": config, "titles": config})
        report = title_report(open_database(paths), labels)
    _fail_on(failed)
    click.echo(json.dumps({"corpus": str(corpus), **report}, indent=2))


@evaluate.command(name="layers")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@home_option
@limit_option
@click.option(
    "--split",
    type=click.Choice(["all", "train", "test"]),
    default="all",
    show_default=True,
    help="Only the fixed split's posters (labels.csv's imdb_id decides).",
)
@depth_model_option
@depth_path_option
def eval_layers(
    corpus: Path,
    home: Path | None,
    limit: int | None,
    split: str,
    depth_model: str | None,
    depth_path: Path | None,
) -> None:
    """Ingest CORPUS (temporary home unless --home) and print depth-layer metrics as JSON,
    with whether the subject mask holds the faces and people found and leaves the border;
    a generated corpus (ground_truth.jsonl, layers/) also gets title-layer accuracy and the
    IoU of layers, title glyphs, foreground masks and composition roles with the true
    layers."""
    import tempfile

    from poster_assets.evaluation.composition import (
        demo_composition_report,
        title_role_report,
    )
    from poster_assets.evaluation.foreground import demo_foreground_report
    from poster_assets.evaluation.layers import demo_layer_report, structure_report
    from poster_assets.evaluation.subjects import subject_masks, subject_report
    from poster_assets.imaging.kept_copies import PosterCopies
    from poster_assets.models.registry import registered_depth_model
    from poster_assets.runs import process_corpus
    from poster_assets.stages.ocr import title_line_reader
    from poster_assets.store.opening import open_database
    from poster_assets.store.stages import StoredRows

    with tempfile.TemporaryDirectory() as scratch:
        paths = _evaluation_home(home, Path(scratch), depth_model, depth_path)
        if registered_depth_model(paths.models_dir) is None:
            raise click.ClickException("no depth model: pass --depth-model NAME --depth-path FILE")
        images = _evaluation_images(corpus, limit, Path(scratch), split)
        failed = process_corpus(paths, images)
        db = open_database(paths)
        report: dict[str, object] = {"corpus": str(corpus), "split": split, **structure_report(db)}
        report["subject"] = subject_report(db, subject_masks(db))
        report["foreground_as_subject"] = subject_report(db, subject_masks(db, "foreground"))
        rows = StoredRows(db, PosterCopies(paths.poster_copies_dir))
        report["title_role"] = title_role_report(db, rows, title_line_reader())
        if (corpus / "ground_truth.jsonl").exists():
            report["against_ground_truth"] = demo_layer_report(db, corpus)
            report["foreground_against_ground_truth"] = demo_foreground_report(db, corpus)
            report["composition_against_ground_truth"] = demo_composition_report(db, corpus)
    _fail_on(failed)
    click.echo(json.dumps(report, indent=2))


@evaluate.command(name="genres")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@home_option
@limit_option
@depth_model_option
@depth_path_option
def eval_genres(
    corpus: Path,
    home: Path | None,
    limit: int | None,
    depth_model: str | None,
    depth_path: Path | None,
) -> None:
    """Ingest CORPUS (temporary home unless --home) and print the genre linear probe as JSON:
    baselines, each ImageNet embedding region and the structure vector, on the fixed
    train/test split."""
    import tempfile

    from poster_assets.evaluation.genres import genre_report
    from poster_assets.models.embedder import ImageEmbedder
    from poster_assets.runs import process_corpus
    from poster_assets.store.opening import open_database

    with tempfile.TemporaryDirectory() as scratch:
        paths = _evaluation_home(home, Path(scratch), depth_model, depth_path)
        failed = process_corpus(paths, _evaluation_images(corpus, limit, Path(scratch)))
        report = genre_report(open_database(paths), corpus, ImageEmbedder.model_name)
    _fail_on(failed)
    click.echo(json.dumps({"corpus": str(corpus), **report}, indent=2))


@evaluate.command(name="ssl")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--model", "model_name", default="poster-ssl", show_default=True)
@home_option
@limit_option
@click.option("--min-train-positives", type=int, default=20, show_default=True)
def eval_ssl(
    corpus: Path, model_name: str, home: Path | None, limit: int | None, min_train_positives: int
) -> None:
    """Print, as JSON, the genre probe of a pretrained encoder of this home (its OpenVINO
    IR) on CORPUS (labels.csv + images/), with the fixed split, beside label frequencies."""
    from poster_assets.evaluation.ssl_probe import ssl_corpus_report

    report = ssl_corpus_report(_home(home), model_name, corpus, limit, min_train_positives)
    click.echo(json.dumps(report, indent=2))


@evaluate.command(name="shots")
@click.argument("images", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--trailers", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def eval_shots(images: Path, trailers: int, seed: int) -> None:
    """Print, as JSON, how well trailer cuts are found: on TRAILERS generated trailers (pans,
    zooms, a title card, hard cuts) over the posters under IMAGES."""
    from poster_assets.evaluation.shots import shot_report

    click.echo(json.dumps(shot_report(images, trailers, seed), indent=2))


@evaluate.command(name="fusion")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@home_option
@click.option("--steps", type=int, default=FusionSettings().steps, show_default=True)
@click.option("--seeds", default="0,1,2", show_default=True, help="Comma-separated.")
@click.option("--configs", default=",".join(ABLATIONS), show_default=True,
              help="Comma-separated ablations.")  # fmt: skip
def eval_fusion(corpus: Path, home: Path | None, steps: int, seeds: str, configs: str) -> None:
    """Print, as JSON, the genre probe of the fused encoder's ablations (trained per seed on
    this home's tokens) beside ImageNet features and their PCA to 128-d, fixed split."""
    from poster_assets.evaluation.fusion_comparison import compare

    chosen = [name for name in configs.split(",") if name]
    unknown = [name for name in chosen if name not in ABLATIONS]
    if unknown:
        raise click.UsageError(f"unknown configs {unknown}: choose from {', '.join(ABLATIONS)}")
    report = compare(
        _home(home), corpus, steps=steps, seeds=[int(seed) for seed in seeds.split(",")],
        configs=chosen,
    )  # fmt: skip
    click.echo(json.dumps(report, indent=2))


@main.command()
@home_option
@click.option("--name", "model_name", default="poster-ssl", show_default=True)
@click.option(
    "--tasks",
    default="labels",
    show_default=True,
    help=f"Comma-separated, of {', '.join(TASKS)}; '' for plain SimSiam.",
)
@click.option(
    "--schedule", type=click.Choice(SCHEDULES), default="structure_first", show_default=True
)
@click.option("--epochs", type=int, default=8, show_default=True)
@click.option("--size", type=int, default=64, show_default=True, help="Input side in pixels.")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--probe-min-positives",
    type=int,
    default=20,
    show_default=True,
    help="Genres need this many training posters to be probed.",
)
def pretrain(
    home: Path | None,
    model_name: str,
    tasks: str,
    schedule: str,
    epochs: int,
    size: int,
    batch_size: int,
    seed: int,
    probe_min_positives: int,
) -> None:
    """Build the training sets from the home's store, pretrain an encoder, embed every poster
    with it and probe genres (job `pretrain`); print the model's row as JSON."""
    from poster_assets.runs import run_pretraining
    from poster_assets.store.opening import open_database
    from poster_assets.store.trained_models import find_model

    paths = _home(home)
    encoder_config = {
        "model_name": model_name,
        "tasks": [task for task in tasks.split(",") if task],
        "schedule": schedule,
        "epochs": epochs,
        "image_size": size,
        "batch_size": batch_size,
        "seed": seed,
    }
    probe_config = {"model_name": model_name, "min_train_positives": probe_min_positives}
    failed = run_pretraining(
        paths, {"ssl_encoder": encoder_config, "ssl_genre_probe": probe_config}
    )
    if failed:
        raise click.ClickException(f"pretraining run {failed} failed; see `poster-assets ui`")
    model = find_model(open_database(paths), model_name)
    click.echo(json.dumps(dataclasses.asdict(model), indent=2, default=str))


@main.command(name="train-fusion")
@home_option
@click.option("--name", "model_name", default="poster-fusion", show_default=True)
@click.option("--steps", type=int, default=FusionSettings().steps, show_default=True)
@click.option("--metadata/--no-metadata", "use_metadata", default=False, show_default=True,
              help="Also give the model each poster's metadata title as a text token.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True)
def train_fusion(
    home: Path | None, model_name: str, steps: int, use_metadata: bool, seed: int
) -> None:
    """Train the fused encoder on the home's patch and text tokens, embed every poster with it
    and probe genres (job `train_fusion`); print the model's row as JSON."""
    from poster_assets.defs.jobs import TRAIN_FUSION_JOB
    from poster_assets.runs import run_pretraining
    from poster_assets.store.opening import open_database
    from poster_assets.store.trained_models import find_model

    paths = _home(home)
    encoder = {"model_name": model_name, "steps": steps, "use_metadata": use_metadata, "seed": seed}
    failed = run_pretraining(
        paths,
        {"fusion_encoder": encoder, "fusion_genre_probe": {"model_name": model_name}},
        job_name=TRAIN_FUSION_JOB,
    )
    if failed:
        raise click.ClickException(f"training run {failed} failed; see `poster-assets ui`")
    model = find_model(open_database(paths), model_name)
    click.echo(json.dumps(dataclasses.asdict(model), indent=2, default=str))
    for task, why in model.metrics.get("tasks_left_out", {}).items():
        click.echo(f"note: task {task} left out ({why}); the model uses the rest", err=True)
    if not model.lineage.get("posters_with_trailer"):
        click.echo("note: no poster has a trailer: trained on posters and text", err=True)


@main.group()
def models() -> None:
    """Which optional models this home uses (depth networks ship in no package)."""


@models.command(name="use")
@click.argument("name")
@click.option(
    "--path",
    "model_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="ONNX, TFLite or OpenVINO IR (.xml) file of the network.",
)
@click.option("--input-size", default=None, help="WxH the network takes (for other networks).")
@click.option("--layout", type=click.Choice(["NHWC", "NCHW"]), default="NCHW", show_default=True)
@click.option("--imagenet-norm", is_flag=True, help="Normalise RGB/255 by ImageNet mean/std.")
@click.option("--inverse", is_flag=True, help="The output is inverse depth (larger = nearer).")
@click.option("--output", "output_name", default=None, help="Output tensor name (default: first).")
@home_option
def models_use(
    name: str,
    model_path: Path,
    input_size: str | None,
    layout: str,
    imagenet_norm: bool,
    inverse: bool,
    output_name: str | None,
    home: Path | None,
) -> None:
    """Register depth network NAME from a local file: a known NAME (see `models list`), or any
    network with --input-size and the options describing its input and output."""
    from poster_assets.models.depth import IMAGENET_MEAN, IMAGENET_STD, DepthInputSpec
    from poster_assets.models.registry import register_depth_model

    spec = None
    if input_size is not None:
        width, _, height = input_size.lower().partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise click.BadParameter(f"expected WxH, got {input_size!r}", param_hint="--input-size")
        norm = (IMAGENET_MEAN, IMAGENET_STD) if imagenet_norm else ((0.0,) * 3, (1.0,) * 3)
        spec = DepthInputSpec(
            int(width),
            int(height),
            layout,
            *norm,
            output=output_name,
            larger_is_farther=not inverse,
        )
    ref = register_depth_model(_home(home).ensure().models_dir, name, model_path, spec)
    click.echo(f"depth model: {ref.version} ({ref.path})")
    click.echo("posters ingested before get depth with: poster-assets refresh")


@models.command(name="pull")
@click.argument("name")
@click.option(
    "--sha256", default=None, help="The file's hash, for a network the catalogue pins none for "
    "(depth-anything-v2-small): as its release page lists it.",
)  # fmt: skip
@home_option
def models_pull(name: str, sha256: str | None, home: Path | None) -> None:
    """Download depth network NAME (sha256-checked, cached), convert it to OpenVINO IR once
    and use it for this home."""
    from poster_assets.models.catalogue import CATALOGUE
    from poster_assets.models.pull import pull_depth_model

    if name not in CATALOGUE:
        raise click.ClickException(f"no model {name!r} to pull; known: {', '.join(CATALOGUE)}")
    ref = pull_depth_model(CATALOGUE[name], _home(home).ensure().models_dir, sha256)
    click.echo(f"depth model: {ref.version} ({ref.path}); licence {CATALOGUE[name].licence}")
    click.echo("posters ingested before get depth with: poster-assets refresh")


@models.command(name="list")
@home_option
def models_list(home: Path | None) -> None:
    """Show the packaged models (present or how to install), the registered depth model and
    the depth networks with known input specs."""
    from poster_assets.models.catalogue import CATALOGUE
    from poster_assets.models.depth import KNOWN_DEPTH_SPECS
    from poster_assets.models.packaged import PACKAGED_MODELS, MissingPackagedModelError
    from poster_assets.models.registry import MISSING_DEPTH_MODEL, registered_depth_model

    for model in PACKAGED_MODELS:
        try:
            click.echo(f"{model.name}: {model.path()} (licence: {model.licence})")
        except MissingPackagedModelError as error:
            click.echo(f"{model.name}: MISSING: {error}")
    ref = registered_depth_model(_home(home).models_dir)
    click.echo(f"depth model: {ref.version} ({ref.path})" if ref else MISSING_DEPTH_MODEL)
    click.echo(f"known depth networks: {', '.join(sorted(KNOWN_DEPTH_SPECS))}")
    click.echo(f"pullable (`models pull NAME`): {', '.join(sorted(CATALOGUE))}")


@main.command()
@click.argument("poster_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@home_option
def show(poster_id: str, out: Path, home: Path | None) -> None:
    """Write the anatomy picture of POSTER_ID (or a unique prefix of it) to a PNG file."""
    from poster_assets.imaging.anatomy import anatomy_png
    from poster_assets.imaging.kept_copies import PosterCopies
    from poster_assets.stages.anatomy import load_anatomy
    from poster_assets.store.opening import open_database
    from poster_assets.store.posters import resolve_poster_id
    from poster_assets.store.stages import StoredRows

    paths = _home(home).ensure()
    db = open_database(paths)
    copies = PosterCopies(paths.poster_copies_dir)
    anatomy = load_anatomy(StoredRows(db, copies), resolve_poster_id(db, poster_id))
    out.write_bytes(anatomy_png(anatomy))
    click.echo(f"wrote {out}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--n", "count", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--repeats", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--paths",
    default="naive,batched_defaults,tuned",
    show_default=True,
    help="Comma-separated paths to run (docs/measurements.md, 'Throughput').",
)
@depth_model_option
@depth_path_option
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the homes here (default: a temporary folder, removed afterwards).",
)
def bench(
    directory: Path,
    count: int,
    repeats: int,
    paths: str,
    depth_model: str | None,
    depth_path: Path | None,
    work: Path | None,
) -> None:
    """Run the whole graph on the first N images under DIRECTORY along the naive baseline and
    the tuned path (each in a fresh home and process), and print JSON: posters per second,
    per-stage median/p90 ms, model load times, peak RSS, speed-up, and whether rows agree."""
    from poster_assets.bench.throughput import run_bench

    if bool(depth_model) != bool(depth_path):
        raise click.ClickException("give both --depth-model NAME and --depth-path FILE, or neither")
    depth = (depth_model, depth_path) if depth_model and depth_path else None
    chosen = tuple(name.strip() for name in paths.split(",") if name.strip())
    with tempfile.TemporaryDirectory(prefix="poster-bench-") as scratch:
        report = run_bench(directory, count, work or Path(scratch), depth, repeats, chosen)
    click.echo(json.dumps(report, indent=2))
