"""Tables every stage shares. Each stage's rows carry the batch that produced them, so that
re-materializing a batch can replace exactly its own rows."""

from __future__ import annotations

import duckdb

SCHEMA_SQL = """
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
    sha256      VARCHAR,                   -- NULL when the bytes could not be read
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
    PRIMARY KEY (stage, poster_id)
);
CREATE TABLE IF NOT EXISTS ocr_lines (
    poster_id     VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,
    line_index    INTEGER NOT NULL,        -- reading order from the recogniser
    text          VARCHAR NOT NULL,
    confidence    DOUBLE NOT NULL,
    polygon       DOUBLE[8] NOT NULL,      -- x0 y0 x1 y1 x2 y2 x3 y3, original pixels
    x0 DOUBLE NOT NULL, y0 DOUBLE NOT NULL, x1 DOUBLE NOT NULL, y1 DOUBLE NOT NULL,
    glyph_height  DOUBLE NOT NULL,
    PRIMARY KEY (poster_id, line_index)
);
CREATE TABLE IF NOT EXISTS ocr_blocks (
    poster_id     VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,
    block_index   INTEGER NOT NULL,        -- top to bottom
    text          VARCHAR NOT NULL,        -- member lines joined in reading order
    line_indices  INTEGER[] NOT NULL,      -- into ocr_lines.line_index
    x0 DOUBLE NOT NULL, y0 DOUBLE NOT NULL, x1 DOUBLE NOT NULL, y1 DOUBLE NOT NULL,
    PRIMARY KEY (poster_id, block_index)
);
CREATE TABLE IF NOT EXISTS depth_maps (
    poster_id     VARCHAR PRIMARY KEY,
    batch_id      VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,        -- name + sha256 prefix of the network file
    width         INTEGER NOT NULL,        -- of the stored map (at most 192 px a side)
    height        INTEGER NOT NULL,
    depth_png     BLOB NOT NULL,           -- 16-bit PNG, 0 = nearest .. 1023 = farthest
    p10 DOUBLE NOT NULL, p50 DOUBLE NOT NULL, p90 DOUBLE NOT NULL, mean DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS depth_histograms (
    poster_id     VARCHAR PRIMARY KEY,
    batch_id      VARCHAR NOT NULL,
    counts        INTEGER[] NOT NULL,      -- pixels per bin of depth 0..1
    edges         DOUBLE[] NOT NULL,
    modes         DOUBLE[] NOT NULL,       -- depth of each peak of the smoothed histogram
    mode_count    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS layers (
    poster_id       VARCHAR NOT NULL,
    batch_id        VARCHAR NOT NULL,
    layer_index     INTEGER NOT NULL,      -- 0 = nearest
    layer_count     INTEGER NOT NULL,
    method          VARCHAR NOT NULL,      -- 'kmeans-depth'
    role            VARCHAR NOT NULL,      -- foreground / midground / background
    saliency        DOUBLE NOT NULL,       -- mean spectral-residual saliency / poster mean
    pixel_share     DOUBLE NOT NULL,
    mean_depth      DOUBLE NOT NULL,
    depth_from      DOUBLE NOT NULL,       -- K-means cut on the near side
    depth_to        DOUBLE NOT NULL,
    mask_png        BLOB NOT NULL,         -- 1-bit PNG at the stored depth map's size
    is_title_layer  BOOLEAN NOT NULL,
    title_share     DOUBLE,                -- share of the title box in this layer (NULL: no title)
    PRIMARY KEY (poster_id, layer_index)
);
CREATE TABLE IF NOT EXISTS titles (
    poster_id     VARCHAR PRIMARY KEY,
    batch_id      VARCHAR NOT NULL,
    title_text    VARCHAR NOT NULL,        -- '' when no readable title
    confidence    DOUBLE NOT NULL,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    placement_v   VARCHAR,                 -- top / middle / bottom
    placement_h   VARCHAR,                 -- left / centre / right
    line_indices  INTEGER[] NOT NULL,
    reason        VARCHAR NOT NULL         -- 'chosen', or why there is no title
);
CREATE TABLE IF NOT EXISTS faces (
    poster_id     VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,
    face_index    INTEGER NOT NULL,        -- best score first
    score         DOUBLE NOT NULL,
    x0 DOUBLE NOT NULL, y0 DOUBLE NOT NULL, x1 DOUBLE NOT NULL, y1 DOUBLE NOT NULL,
    layer_index   INTEGER,                 -- depth layer holding most of the box (NULL: no layers)
    PRIMARY KEY (poster_id, face_index)
);
CREATE TABLE IF NOT EXISTS objects (
    poster_id     VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,
    object_index  INTEGER NOT NULL,        -- best score first
    label         VARCHAR NOT NULL,        -- COCO class name
    score         DOUBLE NOT NULL,
    x0 DOUBLE NOT NULL, y0 DOUBLE NOT NULL, x1 DOUBLE NOT NULL, y1 DOUBLE NOT NULL,
    layer_index   INTEGER,
    PRIMARY KEY (poster_id, object_index)
);
CREATE TABLE IF NOT EXISTS foreground (
    poster_id     VARCHAR PRIMARY KEY,
    batch_id      VARCHAR NOT NULL,
    method        VARCHAR NOT NULL,        -- e.g. 'grabcut:depth+saliency+faces'
    width         INTEGER NOT NULL,        -- of the mask (the depth map's size, <= 192 px a side)
    height        INTEGER NOT NULL,
    mask_png      BLOB NOT NULL,           -- 1-bit PNG, 1 = foreground
    share         DOUBLE NOT NULL          -- foreground share of the poster
);
CREATE TABLE IF NOT EXISTS embeddings (
    poster_id     VARCHAR NOT NULL,
    batch_id      VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,        -- poster / foreground / foreground_pooled / ...
    dimensions    INTEGER NOT NULL,
    vector        FLOAT[] NOT NULL,        -- a list: models differ in length
    PRIMARY KEY (poster_id, model, region)
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


# Columns added after a table first shipped: homes made by earlier versions gain them here.
MIGRATIONS_SQL = """
ALTER TABLE layers ADD COLUMN IF NOT EXISTS saliency DOUBLE;
"""


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(SCHEMA_SQL)
    connection.execute(MIGRATIONS_SQL)
