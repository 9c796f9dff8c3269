"""Partitions are ingest batches, not posters: a step process costs seconds to start, and a
corpus of millions of posters would overwhelm per-poster partitions."""

from dagster import DynamicPartitionsDefinition

BATCH_PARTITIONS_NAME = "batches"
batch_partitions = DynamicPartitionsDefinition(name=BATCH_PARTITIONS_NAME)
