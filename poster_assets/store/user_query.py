"""A user's own SQL (`poster-assets sql`): one read-only statement, run on a sealed snapshot of
the store, so nothing typed there can change the store, reach other files or hold up an ingest."""

from __future__ import annotations

import duckdb
import pandas as pd

from poster_assets.errors import PosterAssetsError
from poster_assets.store.database import PosterDatabase

READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})
EXAMPLE = '"SELECT * FROM posters LIMIT 5"'


class RefusedQueryError(PosterAssetsError, ValueError):
    """Not exactly one read-only statement."""


def checked_statement(query: str) -> str:
    """The query's one statement, if it only reads (SELECT, WITH, FROM, SHOW, DESCRIBE,
    SUMMARIZE, EXPLAIN); DuckDB's own parser decides, so comments and quoting cannot hide a
    second statement."""
    statements = duckdb.extract_statements(query)
    if not statements:
        raise RefusedQueryError(f"the query is empty: give one SQL statement, e.g. {EXAMPLE}")
    if len(statements) > 1:
        raise RefusedQueryError(
            f"{len(statements)} statements given; `sql` runs one statement at a time"
        )
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        raise RefusedQueryError(
            f"`sql` is read-only: it runs one SELECT (or WITH, SHOW, DESCRIBE, SUMMARIZE, "
            f"EXPLAIN), not {kind.name}"
        )
    return statements[0].query


def run_user_query(db: PosterDatabase, query: str) -> pd.DataFrame:
    statement = checked_statement(query)
    with db.sealed_read() as connection:
        return connection.execute(statement).df()
