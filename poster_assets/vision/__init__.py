"""Pure functions on arrays and boxes, with typed results. No I/O, no models, no Dagster."""
