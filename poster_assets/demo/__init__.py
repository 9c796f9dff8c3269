"""A built-in corpus of generated poster-like images with known ground truth."""
