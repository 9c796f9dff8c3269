"""Self-supervised pretraining from poster structure (SimSiam and structured tasks)."""
