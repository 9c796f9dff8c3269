"""The store's tables. The core ones (batches, posters, failures, stage state, metadata,
trailers, training sets, models) are written here; each analysis stage's tables come from its
declaration in `stages/registry.py`. Each stage's rows carry the batch that produced them, so
that re-materializing a batch can replace exactly its own rows."""

from __future__ import annotations

import hashlib

import duckdb

from poster_assets.stages.tables import STAGE_TABLES

CORE_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS batches (
    batch_id    VARCHAR PRIMARY KEY,
    source      VARCHAR NOT NULL,          -- 'cli' or 'sensor'
    source_dir  VARCHAR NOT NULL,
    file_count  INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_files (
    batch_id    VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    size        BIGINT NOT NULL,           -- -1 when the file could not be stat'ed
    mtime_ns    BIGINT NOT NULL,
    PRIMARY KEY (path, size, mtime_ns)     -- an unchanged file is registered once
);
CREATE TABLE IF NOT EXISTS posters (
    poster_id        VARCHAR PRIMARY KEY,  -- sha256 of the file's bytes
    batch_id         VARCHAR NOT NULL,     -- the batch that first saw this content
    path             VARCHAR NOT NULL,     -- first path seen; all paths are in poster_paths
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    format           VARCHAR NOT NULL,
    source_mode      VARCHAR NOT NULL,     -- Pillow mode before conversion to 8-bit RGB
    frame_count      INTEGER NOT NULL,
    exif_transposed  BOOLEAN NOT NULL,
    file_bytes       BIGINT NOT NULL,
    ingested_at      TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS poster_paths (
    poster_id   VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    batch_id    VARCHAR NOT NULL,
    seen_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (poster_id, path)
);
CREATE TABLE IF NOT EXISTS failures (
    batch_id    VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,          -- 'ingest', later 'ocr', 'depth', ...
    path        VARCHAR NOT NULL,
    poster_id   VARCHAR,                   -- NULL when the bytes could not be read
    kind        VARCHAR NOT NULL,          -- a FailureKind value
    message     VARCHAR NOT NULL,
    failed_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS stage_runs (
    stage        VARCHAR NOT NULL,         -- 'ocr', 'titles', ...
    poster_id    VARCHAR NOT NULL,
    batch_id     VARCHAR NOT NULL,
    version      VARCHAR NOT NULL,         -- code + model version of the stage
    status       VARCHAR NOT NULL,         -- 'done' or 'failed'
    finished_at  TIMESTAMPTZ NOT NULL,
    seconds      DOUBLE,                   -- the poster's time in the stage (NULL before 2026-12)
    PRIMARY KEY (stage, poster_id)
);
CREATE TABLE IF NOT EXISTS metadata (
    poster_id     VARCHAR PRIMARY KEY,     -- joined on file name (or path) at ingest
    source_id     VARCHAR,                 -- the CSV's own id (e.g. an IMDb id)
    title         VARCHAR,
    year          INTEGER,
    genres        VARCHAR[] NOT NULL,
    source_file   VARCHAR NOT NULL,        -- the CSV it came from
    loaded_at     TIMESTAMPTZ NOT NULL
);
-- Trailer videos: every one seen (listed beside posters or named by a trailers CSV), and the
-- one matched to each poster (by file stem = poster file stem or metadata id).
CREATE TABLE IF NOT EXISTS trailer_files (
    path          VARCHAR PRIMARY KEY,
    match_key     VARCHAR NOT NULL,        -- the video's file stem, or the CSV's poster key
    size          BIGINT NOT NULL,
    mtime_ns      BIGINT NOT NULL,
    source        VARCHAR NOT NULL,        -- 'folder' or the trailers CSV
    registered_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS trailers (
    poster_id     VARCHAR PRIMARY KEY,
    path          VARCHAR NOT NULL,
    size          BIGINT NOT NULL,
    mtime_ns      BIGINT NOT NULL,
    loaded_at     TIMESTAMPTZ NOT NULL     -- when this poster's trailer last changed
);
-- Training sets for self-supervised pretraining, rebuilt whole from the tables above.
CREATE TABLE IF NOT EXISTS ssl_view_pairs (
    poster_id     VARCHAR NOT NULL,
    pair_index    INTEGER NOT NULL,
    box_a         DOUBLE[4] NOT NULL,      -- x0 y0 x1 y1, fractions of the poster
    box_b         DOUBLE[4] NOT NULL,
    kept_a        DOUBLE NOT NULL,         -- share of the foreground mask inside box_a
    kept_b        DOUBLE NOT NULL,
    PRIMARY KEY (poster_id, pair_index)
);
CREATE TABLE IF NOT EXISTS ssl_layer_patches (
    poster_id     VARCHAR NOT NULL,
    patch_index   INTEGER NOT NULL,
    role          VARCHAR NOT NULL,        -- background / foreground / title
    source        VARCHAR NOT NULL,        -- 'depth-layers' or 'foreground-mask'
    box           DOUBLE[4] NOT NULL,
    purity        DOUBLE NOT NULL,         -- share of the patch inside the role's mask
    PRIMARY KEY (poster_id, patch_index)
);
CREATE TABLE IF NOT EXISTS ssl_salient_crops (
    poster_id     VARCHAR NOT NULL,
    crop_index    INTEGER NOT NULL,
    source        VARCHAR NOT NULL,        -- face / object / foreground
    label         VARCHAR NOT NULL,        -- COCO class for objects, else the source
    box           DOUBLE[4] NOT NULL,
    score         DOUBLE NOT NULL,
    PRIMARY KEY (poster_id, crop_index)
);
CREATE TABLE IF NOT EXISTS ssl_text_pairs (
    poster_id     VARCHAR PRIMARY KEY,
    text          VARCHAR NOT NULL,        -- OCR lines in reading order
    title         VARCHAR NOT NULL,        -- '' when no title was chosen
    dimensions    INTEGER NOT NULL,
    vector        FLOAT[] NOT NULL         -- hashed character n-grams, L2-normalised
);
CREATE TABLE IF NOT EXISTS ssl_labels (
    poster_id         VARCHAR PRIMARY KEY,
    title_vertical    INTEGER NOT NULL,    -- class indices of curriculum_labels.TASK_CLASSES
    title_horizontal  INTEGER NOT NULL,
    face_count        INTEGER NOT NULL,
    depth_modes       INTEGER NOT NULL,
    title_layer_rank  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS models (
    model_name    VARCHAR PRIMARY KEY,     -- also embeddings.model for its vectors
    kind          VARCHAR NOT NULL,        -- 'ssl-encoder'
    config        JSON NOT NULL,           -- training settings
    lineage       JSON NOT NULL,           -- training sets and their row counts
    metrics       JSON NOT NULL,           -- final losses; probe scores once probed
    checkpoint    VARCHAR NOT NULL,        -- PyTorch state, relative to the home
    openvino_xml  VARCHAR NOT NULL,        -- exported encoder (relative), embeds posters
    input_size    INTEGER NOT NULL,
    train_seconds DOUBLE NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
"""


SCHEMA_SQL = "\n".join([CORE_SCHEMA_SQL, *(table.ddl() for table in STAGE_TABLES)])

# Homes made by earlier versions: columns added after a table first shipped (layers' saliency,
# stage times, titles' source, the OCR pass kept).
MIGRATIONS_SQL = """
ALTER TABLE layers ADD COLUMN IF NOT EXISTS saliency DOUBLE;
ALTER TABLE stage_runs ADD COLUMN IF NOT EXISTS seconds DOUBLE;
ALTER TABLE titles ADD COLUMN IF NOT EXISTS source VARCHAR;
ALTER TABLE ocr_lines ADD COLUMN IF NOT EXISTS detector_side INTEGER;
"""


def _renamed_failure_column(connection: duckdb.DuckDBPyConnection) -> bool:
    """failures.sha256 was renamed poster_id, as every other table calls it."""
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
            "AND table_name = 'failures' AND column_name = 'sha256'"
        ).fetchone()[0]
    )


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    if _renamed_failure_column(connection):
        connection.execute("ALTER TABLE failures RENAME COLUMN sha256 TO poster_id")
    connection.execute(SCHEMA_SQL)
    connection.execute(MIGRATIONS_SQL)


# Stamped on the file once it is migrated: a reader that finds the stamp needs no read-write
# open to check the schema (~55 ms on a million-poster file, paid by each fresh process).
SCHEMA_STAMP = (
    "poster-assets schema "
    + hashlib.sha256((SCHEMA_SQL + MIGRATIONS_SQL).encode()).hexdigest()[:16]
)


def stamp_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"COMMENT ON TABLE posters IS '{SCHEMA_STAMP}'")


def schema_is_current(connection: duckdb.DuckDBPyConnection) -> bool:
    found = connection.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = 'posters'"
    ).fetchall()
    return found == [(SCHEMA_STAMP,)]
