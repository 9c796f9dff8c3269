"""Query results as JSON for `--json`: every DuckDB type a row can hold becomes plain JSON
(pandas' own writer prints BLOBs as {} or fails on them, and fails on UUIDs)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd


def json_value(value: object) -> object:
    """BLOBs as hex, times as ISO 8601, durations in seconds, NULL/NaN/NaT as null, arrays as
    lists; anything else unknown (UUID, intervals of other kinds) as its text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, np.ndarray | list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return str(value)


def records_json(frame: pd.DataFrame) -> str:
    rows = frame.astype(object).to_dict(orient="records")
    return json.dumps(
        [{column: json_value(value) for column, value in row.items()} for row in rows]
    )
