"""DuckDB schema, locked writes and queries. No Dagster imports."""
