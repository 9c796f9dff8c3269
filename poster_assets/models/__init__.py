"""Model loading and inference only: which weights, which runtime, compiled once per process."""
