"""Missing data made explicit: a complete monthly calendar with nulls where nothing was reported.

The policy, used by every metric: a month that was not reported is null on a complete
calendar. Nothing is forward-filled, interpolated or zero-filled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from .series import require_columns, require_unique, series_keys


def complete_months(
    df: pl.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pl.DataFrame:
    """Every month from ``start`` (default: the series' first month) to ``end`` (default: its
    last) for each series, with nulls in all other columns where a month is missing. A series
    is ``by`` plus the frame's measure, perimeter and unit columns.

    Months are first-of-month ``Date`` values. Rows come back sorted by ``by`` then month.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A", "A"], "month": [dt.date(2025, 1, 1), dt.date(2025, 3, 1)],
    ...                    "value": [10, 30]})
    >>> complete_months(df)["value"].to_list()
    [10, None, 30]
    """
    keys = series_keys(df, by)
    month = period
    require_columns(df, [*keys, month], "complete_months")
    require_unique(df, [*keys, month], "complete_months")
    lo = pl.lit(start, dtype=pl.Date) if start else pl.col(month).min()
    hi = pl.lit(end, dtype=pl.Date) if end else pl.col(month).max()
    if keys:
        bounds = df.group_by(keys).agg(lo.alias("_lo"), hi.alias("_hi"))
    else:
        bounds = df.select(lo.alias("_lo"), hi.alias("_hi"))
    grid = bounds.select(*keys, pl.date_ranges("_lo", "_hi", interval="1mo").alias(month)).explode(month)
    grid = grid.with_columns(pl.col(month).cast(df.schema[month]))
    return grid.join(df, on=[*keys, month], how="left").sort([*keys, month])


def missing_months(
    df: pl.DataFrame,
    *,
    period: str = "month",
    value: str = "value",
    by: str | Sequence[str] | None = ("entity",),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pl.DataFrame:
    """The months with no value, per group: the gaps a report must show as missing.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A", "A"], "month": [dt.date(2025, 1, 1), dt.date(2025, 3, 1)],
    ...                    "value": [10, 30]})
    >>> missing_months(df)["month"].to_list()
    [datetime.date(2025, 2, 1)]
    """
    keys = series_keys(df, by)
    full = complete_months(df, period=period, by=keys, start=start, end=end)
    return full.filter(pl.col(value).is_null()).select(*keys, period)
