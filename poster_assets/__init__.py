"""poster-assets: poster images in, structured and queryable signals out (Dagster + DuckDB)."""
