"""Per-batch analysis stages: load images, call models and pure functions, build table rows.
No Dagster imports; the assets in `defs/` call these."""
