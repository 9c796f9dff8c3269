"""Scale-out: running the per-batch job on Dagster's Celery executor across worker machines."""
