"""Image I/O: bytes in, normalised 8-bit RGB arrays out. No Dagster, no database."""
