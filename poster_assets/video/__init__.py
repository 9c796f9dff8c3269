"""Trailers: reading videos, finding their shots, and the generated trailers tests use."""
