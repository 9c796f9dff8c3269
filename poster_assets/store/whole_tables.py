"""Tables rebuilt whole from the rest of the store (training sets): replaced in one
transaction, so a reader sees the old set or the new one, never half of each."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from poster_assets.store.database import PosterDatabase


def replace_table(db: PosterDatabase, table: str, rows: pd.DataFrame) -> int:
    """Replace every row of `table` with `rows` (columns by name); returns the row count."""
    with db.write() as connection:
        connection.execute(f"DELETE FROM {table}")
        if len(rows):
            connection.register("replacement", rows)
            columns = ", ".join(rows.columns)
            connection.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM replacement")
            connection.unregister("replacement")
    return len(rows)


def read_table(db: PosterDatabase, table: str, order_by: Sequence[str] = ()) -> pd.DataFrame:
    order = f" ORDER BY {', '.join(order_by)}" if order_by else ""
    with db.read() as connection:
        return connection.execute(f"SELECT * FROM {table}{order}").df()


def read_only_query(
    db: PosterDatabase, query: str, parameters: Sequence[object] = ()
) -> pd.DataFrame:
    """A query's rows, inside a read-only connection or transaction (the project's own queries;
    a user's go through `store/user_query.py`)."""
    with db.read() as connection:
        return connection.execute(query, list(parameters)).df()
