"""Finding poster files on disk and planning them into batches. No Dagster, no database."""
