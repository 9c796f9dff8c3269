"""The throughput benchmark: the real path against a naive baseline, in one run."""
