"""Per-poster analysis stages: each module declares one `StageSpec` (tables, upstream stages,
version, per-poster function, summary); `registry.STAGES` lists them. No Dagster, no SQL."""
