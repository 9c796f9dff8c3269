"""The tables the stages write, declared apart from the stages' code: the store builds its
schema from these without importing the networks and image libraries the stages' work needs,
so commands that only read the store start quickly. Each stage module names its tables from
here (`stages/registry.py` checks that every table belongs to exactly one stage, in this
order)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # DuckDB type and constraint, e.g. "DOUBLE NOT NULL"
    note: str = ""  # what the value means, for the schema's reader


# Core tables (store/schema.py) a stage may read besides its upstream stages' tables, with
# the column saying when a poster's row last changed: a change redoes the stage's poster.
CORE_READS = {"metadata": "loaded_at", "trailers": "loaded_at"}
POSTER_ID = Column("poster_id", "VARCHAR NOT NULL")
BATCH_ID = Column("batch_id", "VARCHAR NOT NULL")


@dataclass(frozen=True)
class TableSpec:
    """A table a stage writes: one or more rows per poster, keyed by `key` (which also
    orders rows when two stores are compared). `poster_id` and `batch_id` come first."""

    name: str
    columns: tuple[Column, ...]  # after poster_id and batch_id
    key: tuple[str, ...] = ("poster_id",)

    def __post_init__(self) -> None:
        names = self.column_names
        unknown = [column for column in self.key if column not in names]
        if unknown or len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: key {unknown} unknown or columns repeated")

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (POSTER_ID, BATCH_ID, *self.columns)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.all_columns]

    @property
    def light_column_names(self) -> list[str]:
        """Every column but pictures (BLOB) and vectors (FLOAT[])."""
        bulky = ("BLOB", "FLOAT[]")
        return [column.name for column in self.all_columns if not column.sql_type.startswith(bulky)]

    @property
    def row_columns(self) -> frozenset[str]:
        """What a stage's per-poster function returns for each row (ids are added for it)."""
        return frozenset(self.column_names[2:])

    def ddl(self) -> str:
        lines = [
            f"    {column.name} {column.sql_type}," + (f"  -- {column.note}" if column.note else "")
            for column in self.all_columns
        ]
        lines.append(f"    PRIMARY KEY ({', '.join(self.key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + "\n".join(lines) + "\n);"


BOX = (
    Column("x0", "DOUBLE NOT NULL"), Column("y0", "DOUBLE NOT NULL"),
    Column("x1", "DOUBLE NOT NULL"), Column("y1", "DOUBLE NOT NULL"),
)  # fmt: skip
OCR_LINES = TableSpec(
    "ocr_lines",
    (
        Column("line_index", "INTEGER NOT NULL", "reading order from the recogniser"),
        Column("text", "VARCHAR NOT NULL"),
        Column("confidence", "DOUBLE NOT NULL"),
        Column("polygon", "DOUBLE[8] NOT NULL", "x0 y0 x1 y1 x2 y2 x3 y3, original pixels"),
        *BOX,
        Column("glyph_height", "DOUBLE NOT NULL"),
        Column(
            "detector_side",
            "INTEGER",
            "the detector's short side (px) in the pass kept: a retry's where the first pass "
            "had not settled the title; NULL before 2026-12-03",
        ),
    ),
    key=("poster_id", "line_index"),
)
OCR_BLOCKS = TableSpec(
    "ocr_blocks",
    (
        Column("block_index", "INTEGER NOT NULL", "top to bottom"),
        Column("text", "VARCHAR NOT NULL", "member lines joined in reading order"),
        Column("line_indices", "INTEGER[] NOT NULL", "into ocr_lines.line_index"),
        *BOX,
    ),
    key=("poster_id", "block_index"),
)
TITLES = TableSpec(
    "titles",
    (
        Column("title_text", "VARCHAR NOT NULL", "'' when no readable title"),
        Column("confidence", "DOUBLE NOT NULL"),
        Column("x0", "DOUBLE"), Column("y0", "DOUBLE"),
        Column("x1", "DOUBLE"), Column("y1", "DOUBLE"),
        Column("placement_v", "VARCHAR", "top / middle / bottom"),
        Column("placement_h", "VARCHAR", "left / centre / right"),
        Column("line_indices", "INTEGER[] NOT NULL"),
        Column(
            "reason", "VARCHAR NOT NULL",
            "'chosen', 'located from metadata', or why there is no title",
        ),
        Column(
            "source", "VARCHAR",
            "'metadata': the lines that read as the metadata's title; 'ocr': the scorer's choice",
        ),
    ),
)  # fmt: skip
DEPTH_MAPS = TableSpec(
    "depth_maps",
    (
        Column("model", "VARCHAR NOT NULL"),
        Column("model_version", "VARCHAR NOT NULL", "name + sha256 prefix of the file"),
        Column("width", "INTEGER NOT NULL", "of the stored map (at most 192 px a side)"),
        Column("height", "INTEGER NOT NULL"),
        Column("depth_png", "BLOB NOT NULL", "16-bit PNG, 0 = nearest .. 1023 = farthest"),
        Column("p10", "DOUBLE NOT NULL"), Column("p50", "DOUBLE NOT NULL"),
        Column("p90", "DOUBLE NOT NULL"), Column("mean", "DOUBLE NOT NULL"),
    ),
)  # fmt: skip
DEPTH_HISTOGRAMS = TableSpec(
    "depth_histograms",
    (
        Column("counts", "INTEGER[] NOT NULL", "pixels per bin of depth 0..1"),
        Column("edges", "DOUBLE[] NOT NULL"),
        Column("modes", "DOUBLE[] NOT NULL", "depth of each peak of the smoothed histogram"),
        Column("mode_count", "INTEGER NOT NULL"),
    ),
)
LAYERS = TableSpec(
    "layers",
    (
        Column("layer_index", "INTEGER NOT NULL", "0 = nearest"),
        Column("layer_count", "INTEGER NOT NULL"),
        Column("method", "VARCHAR NOT NULL", "'kmeans-depth'"),
        Column("role", "VARCHAR NOT NULL", "foreground / midground / background"),
        Column("saliency", "DOUBLE NOT NULL", "mean spectral-residual saliency / poster mean"),
        Column("pixel_share", "DOUBLE NOT NULL"),
        Column("mean_depth", "DOUBLE NOT NULL"),
        Column("depth_from", "DOUBLE NOT NULL", "K-means cut on the near side"),
        Column("depth_to", "DOUBLE NOT NULL"),
        Column("mask_png", "BLOB NOT NULL", "1-bit PNG at the stored depth map's size"),
        Column("is_title_layer", "BOOLEAN NOT NULL"),
        Column(
            "title_share",
            "DOUBLE",
            "share of the title's glyph pixels in this layer (NULL: no title)",
        ),
    ),
    key=("poster_id", "layer_index"),
)
TITLE_TEXT = TableSpec(
    "title_text",
    (
        Column("width", "INTEGER NOT NULL", "of the mask: the poster's own pixels"),
        Column("height", "INTEGER NOT NULL"),
        Column("mask_png", "BLOB NOT NULL", "1-bit PNG, 1 = a pixel of the title's glyphs"),
        Column("method", "VARCHAR NOT NULL", "'glyphs', or 'box' where none were found"),
        Column("text_pixels", "INTEGER NOT NULL"),
        Column("box_share", "DOUBLE NOT NULL", "glyph pixels / pixels of the title lines' boxes"),
    ),
)
BOX_COLUMNS = (
    Column("score", "DOUBLE NOT NULL"),
    Column("x0", "DOUBLE NOT NULL"), Column("y0", "DOUBLE NOT NULL"),
    Column("x1", "DOUBLE NOT NULL"), Column("y1", "DOUBLE NOT NULL"),
    Column("layer_index", "INTEGER", "depth layer holding most of the box (NULL: no layers)"),
)  # fmt: skip
FACES = TableSpec(
    "faces",
    (Column("face_index", "INTEGER NOT NULL", "best score first"), *BOX_COLUMNS),
    key=("poster_id", "face_index"),
)
OBJECTS = TableSpec(
    "objects",
    (
        Column("object_index", "INTEGER NOT NULL", "best score first"),
        Column("label", "VARCHAR NOT NULL", "COCO class name"),
        *BOX_COLUMNS,
    ),
    key=("poster_id", "object_index"),
)
DEPTH_QUALITY = TableSpec(
    "depth_quality",
    (
        Column("column_r", "DOUBLE NOT NULL", "r of the map's column means with x"),
        Column("row_r", "DOUBLE NOT NULL", "r of its row means with y"),
        Column("subject_share", "DOUBLE", "of the map inside faces and people; NULL: none"),
        Column("subject_depth", "DOUBLE", "median depth there, 0 = near"),
        Column("rest_depth", "DOUBLE", "median depth elsewhere"),
        Column("subject_nearer", "BOOLEAN", "subject_depth < rest_depth; NULL: no subject"),
    ),
)
FOREGROUND = TableSpec(
    "foreground",
    (
        Column("method", "VARCHAR NOT NULL", "e.g. 'grabcut:depth+saliency+faces'"),
        Column("width", "INTEGER NOT NULL", "of the mask (the depth map's size, <= 192 px)"),
        Column("height", "INTEGER NOT NULL"),
        Column("mask_png", "BLOB NOT NULL", "1-bit PNG, 1 = foreground"),
        Column("share", "DOUBLE NOT NULL", "foreground share of the poster"),
    ),
)
COMPOSITION = TableSpec(
    "composition",
    (
        Column("width", "INTEGER NOT NULL", "of the map: the poster's own pixels"),
        Column("height", "INTEGER NOT NULL"),
        Column(
            "roles_png", "BLOB NOT NULL",
            "8-bit PNG: 0 background, 1 title text, 2 other text, 3.. subjects (largest first)",
        ),
        Column(
            "cues", "VARCHAR[] NOT NULL",
            "what the roles were drawn from: depth, saliency, faces, objects, title_text, "
            "other_text",
        ),
        Column("subject_method", "VARCHAR NOT NULL", "the `foreground` row's method"),
        Column("subjects", "INTEGER NOT NULL"),
        Column("subject_share", "DOUBLE NOT NULL", "of the map: subjects where they show"),
        Column("title_text_share", "DOUBLE NOT NULL"),
        Column("other_text_share", "DOUBLE NOT NULL"),
        Column("background_share", "DOUBLE NOT NULL", "the four shares sum to 1"),
    ),
)  # fmt: skip
COMPOSITION_ROLES = TableSpec(
    "composition_roles",
    (
        Column("role_index", "INTEGER NOT NULL", "its value in composition.roles_png"),
        Column("role", "VARCHAR NOT NULL", "background / title_text / other_text / subject"),
        Column(
            "mask_png", "BLOB NOT NULL",
            "1-bit PNG at the poster's size: a subject's whole extent (what the title covers "
            "too), else where the role shows",
        ),
        Column("pixel_share", "DOUBLE NOT NULL", "of the mask; 0 for an empty fixed role"),
        Column("x0", "DOUBLE", "bounding box in poster pixels; NULL when empty"),
        Column("y0", "DOUBLE"), Column("x1", "DOUBLE"), Column("y1", "DOUBLE"),
        Column(
            "depth_rank", "DOUBLE",
            "its median depth's rank among the poster's, 0 = nearest; NULL: no depth",
        ),
        Column("faces", "INTEGER NOT NULL", "detected faces centred in the role"),
        Column("objects", "VARCHAR[] NOT NULL", "labels of objects centred in it"),
    ),
    key=("poster_id", "role_index"),
)  # fmt: skip
EMBEDDINGS = TableSpec(
    "embeddings",
    (
        Column("model", "VARCHAR NOT NULL"),
        Column("region", "VARCHAR NOT NULL", "poster / foreground / foreground_pooled / ..."),
        Column("dimensions", "INTEGER NOT NULL"),
        Column("vector", "FLOAT[] NOT NULL", "a list: models differ in length"),
    ),
    key=("poster_id", "model", "region"),
)
PALETTE = TableSpec(
    "palette",
    (
        Column("colour_index", "INTEGER NOT NULL", "largest share first"),
        Column("share", "DOUBLE NOT NULL", "of the poster's pixels"),
        Column("l", "DOUBLE NOT NULL", "CIE Lab lightness, 0..100"),
        Column("a", "DOUBLE NOT NULL"),
        Column("b", "DOUBLE NOT NULL"),
        Column("hex", "VARCHAR NOT NULL", "sRGB, e.g. '#1a2b3c'"),
    ),
    key=("poster_id", "colour_index"),
)
PATCH_TOKENS = TableSpec(
    "patch_tokens",
    (
        Column("grid", "INTEGER NOT NULL", "patches per side; tokens are row-major"),
        Column("dimensions", "INTEGER NOT NULL"),
        Column("tokens_f16", "BLOB NOT NULL", "zlib of (grid * grid, dimensions) float16"),
        Column(
            "role_shares",
            "FLOAT[] NOT NULL",
            "per patch: background, subject, title_text, other_text shares (grid * grid * 4)",
        ),  # fmt: skip
        Column("depth_rank", "FLOAT[]", "per patch, 0 nearest .. 1 (NULL: no depth)"),
        Column("face_cover", "FLOAT[] NOT NULL", "per patch share inside face boxes"),
        Column("person_cover", "FLOAT[] NOT NULL", "per patch share inside person boxes"),
    ),
)
TEXT_TOKENS = TableSpec(
    "text_tokens",
    (
        Column("token_index", "INTEGER NOT NULL", "OCR lines by glyph height, then metadata"),
        Column("source", "VARCHAR NOT NULL", "'ocr' or 'metadata' (the known title)"),
        Column("text", "VARCHAR NOT NULL"),
        Column("x0", "DOUBLE NOT NULL", "box as shares of the poster; 0s for metadata"),
        Column("y0", "DOUBLE NOT NULL"), Column("x1", "DOUBLE NOT NULL"),
        Column("y1", "DOUBLE NOT NULL"),
        Column("is_title", "BOOLEAN NOT NULL", "a line of the chosen title"),
        Column("vector_f16", "BLOB NOT NULL", "zlib of the 256-d hashed n-gram vector"),
    ),
    key=("poster_id", "token_index"),
)  # fmt: skip
TRAILER_SHOTS = TableSpec(
    "trailer_shots",
    (
        Column("shot_index", "INTEGER NOT NULL"),
        Column("start_frame", "INTEGER NOT NULL"),
        Column("end_frame", "INTEGER NOT NULL", "exclusive"),
        Column("start_s", "DOUBLE NOT NULL"),
        Column("end_s", "DOUBLE NOT NULL"),
        Column("keyframe", "INTEGER NOT NULL", "the shot's middle frame"),
        Column("cut_change", "DOUBLE NOT NULL", "frame change at the cut (0 for shot 0)"),
    ),
    key=("poster_id", "shot_index"),
)
THUMB_WIDTH = 160
TRAILER_FRAMES = TableSpec(
    "trailer_frames",
    (
        Column("shot_index", "INTEGER NOT NULL"),
        Column("frame_index", "INTEGER NOT NULL"),
        Column("time_s", "DOUBLE NOT NULL"),
        Column("vector_f16", "BLOB NOT NULL", "zlib of the 1280-d mean feature, float16"),
        Column("text", "VARCHAR NOT NULL", "OCR lines, top to bottom ('' when none)"),
        Column("shows_title", "BOOLEAN NOT NULL", "the text reads as the poster's title"),
        Column("thumbnail_jpeg", "BLOB NOT NULL", f"{THUMB_WIDTH} px wide"),
    ),
    key=("poster_id", "shot_index"),
)

# In the order of the stages that write them (stages/registry.py).
STAGE_TABLES = (
    OCR_LINES, OCR_BLOCKS, TITLES, DEPTH_MAPS, DEPTH_HISTOGRAMS, LAYERS, TITLE_TEXT, FACES,
    OBJECTS, DEPTH_QUALITY, FOREGROUND, COMPOSITION, COMPOSITION_ROLES, EMBEDDINGS, PALETTE,
    PATCH_TOKENS, TEXT_TOKENS, TRAILER_SHOTS, TRAILER_FRAMES,
)  # fmt: skip
