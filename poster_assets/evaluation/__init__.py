"""Judging the pipeline against labelled corpora (the shared layout: labels.csv + images/)."""
