"""Monthly delivery trends: rolling windows, YTD, cumulative since launch, ramp curves,
peak month and run-rate.

Every function matches months by date. A missing month makes any figure that would need it
null (a YTD total with a hole in it is not a YTD total); nothing is filled.
For MoM and YoY, see :func:`hima_analytics.metrics.growth.mom` and ``yoy``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ._checks import as_list, require_columns, require_unique
from .growth import trailing_sum


def rolling_sum(df: pl.DataFrame, *, window: int, value: str = "value", month: str = "month",
                by: str | Sequence[str] | None = ("entity",), name: str | None = None) -> pl.DataFrame:
    """Sum of the last ``window`` months (e.g. 3, 6 or 12), null unless all are present.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [10, 20, 30]})
    >>> rolling_sum(df, window=3)["sum_3m"].to_list()
    [None, None, 60]
    """
    return trailing_sum(df, window_months=window, value=value, period=month, by=by,
                        name=name or f"sum_{window}m")


def rolling_mean(df: pl.DataFrame, *, window: int, value: str = "value", month: str = "month",
                 by: str | Sequence[str] | None = ("entity",), name: str | None = None) -> pl.DataFrame:
    """Mean of the last ``window`` months: ``sum_{window}m / window``, null unless all present.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [10, 20, 30]})
    >>> rolling_mean(df, window=3)["mean_3m"].to_list()
    [None, None, 20.0]
    """
    out_name = name or f"mean_{window}m"
    out = rolling_sum(df, window=window, value=value, month=month, by=by, name="_rsum")
    return out.with_columns((pl.col("_rsum") / window).alias(out_name)).drop("_rsum")


def run_rate(df: pl.DataFrame, *, window: int = 3, value: str = "value", month: str = "month",
             by: str | Sequence[str] | None = ("entity",), name: str = "run_rate") -> pl.DataFrame:
    """Annualised run-rate: ``12 * mean(last window months)`` in vehicles per year.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [40_000, 45_000, 50_000]})
    >>> run_rate(df)["run_rate"].to_list()
    [None, None, 540000.0]
    """
    out = rolling_mean(df, window=window, value=value, month=month, by=by, name="_rmean")
    return out.with_columns((pl.col("_rmean") * 12).alias(name)).drop("_rmean")


def ytd(df: pl.DataFrame, *, value: str = "value", month: str = "month",
        by: str | Sequence[str] | None = ("entity",), name: str = "ytd") -> pl.DataFrame:
    """Year-to-date total: ``sum(value[Jan .. t])``, null from the first missing month of the
    year onward (a month absent or null makes the YTD unknown, not smaller).

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 4,
    ...     "month": [dt.date(2025, m, 1) for m in (1, 2, 4, 5)], "value": [10, 20, 40, 50]})
    >>> ytd(df)["ytd"].to_list()
    [10, 30, None, None]
    """
    keys = as_list(by)
    require_columns(df, [*keys, month, value], name)
    require_unique(df, [*keys, month], name)
    year = pl.col(month).dt.year()
    window = [*keys, year]
    seen = pl.col(value).is_not_null().cum_sum().over(window, order_by=month)
    total = pl.col(value).cum_sum().over(window, order_by=month)
    return df.with_columns(
        pl.when(seen.cast(pl.Int32) == pl.col(month).dt.month().cast(pl.Int32)).then(total).alias(name)
    ).sort([*keys, month])


def cumulative(df: pl.DataFrame, *, value: str = "value", month: str = "month",
               by: str | Sequence[str] | None = ("entity",), name: str = "cumulative") -> pl.DataFrame:
    """Cumulative total since each series' first month, null from the first gap onward.

    Formula: ``sum(value[first .. t])`` while every month from the first to ``t`` is present.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3,
    ...     "month": [dt.date(2025, m, 1) for m in (1, 2, 4)], "value": [5, 7, 9]})
    >>> cumulative(df)["cumulative"].to_list()
    [5, 12, None]
    """
    keys = as_list(by)
    require_columns(df, [*keys, month, value], name)
    require_unique(df, [*keys, month], name)
    over = keys or None
    first = pl.col(month).min().over(over) if over else pl.col(month).min()
    elapsed = (pl.col(month).dt.year() - first.dt.year()) * 12 + pl.col(month).dt.month().cast(pl.Int32) \
        - first.dt.month().cast(pl.Int32) + 1
    seen = pl.col(value).is_not_null().cum_sum()
    total = pl.col(value).cum_sum()
    if over:
        seen, total = seen.over(over, order_by=month), total.over(over, order_by=month)
    return df.sort([*keys, month]).with_columns(
        pl.when(seen.cast(pl.Int32) == elapsed.cast(pl.Int32)).then(total).alias(name))


def months_since_launch(df: pl.DataFrame, *, month: str = "month", by: str | Sequence[str] | None = ("entity",),
                        launch: str | None = None, name: str = "months_since_launch") -> pl.DataFrame:
    """Months elapsed since launch, for ramp curves: 0 in the launch month, 1 the month after.

    ``launch`` names a Date column (e.g. ``first_delivery_date`` joined from the entities table);
    without it, each series' first month is month 0.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["M9"] * 2, "month": [dt.date(2024, 2, 1), dt.date(2025, 1, 1)]})
    >>> months_since_launch(df)["months_since_launch"].to_list()
    [0, 11]
    """
    keys = as_list(by)
    require_columns(df, [*keys, month, *([launch] if launch else [])], name)
    start = pl.col(launch) if launch else (pl.col(month).min().over(keys) if keys else pl.col(month).min())
    diff = (pl.col(month).dt.year().cast(pl.Int32) - start.dt.year().cast(pl.Int32)) * 12 + (
        pl.col(month).dt.month().cast(pl.Int32) - start.dt.month().cast(pl.Int32))
    return df.with_columns(diff.alias(name)).sort([*keys, month])


def peak_month(df: pl.DataFrame, *, value: str = "value", month: str = "month",
               by: str | Sequence[str] | None = ("entity",)) -> pl.DataFrame:
    """One row per series: the month with the highest value (earliest on ties) and that value.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [5, 9, 9]})
    >>> peak_month(df).row(0)
    ('A', datetime.date(2025, 2, 1), 9)
    """
    keys = as_list(by)
    require_columns(df, [*keys, month, value], "peak_month")
    ranked = df.filter(pl.col(value).is_not_null()).sort([*keys, value, month], descending=[False] * len(keys) + [True, False])
    return ranked.group_by(keys, maintain_order=True).first().select(
        *keys, pl.col(month).alias("peak_month"), pl.col(value).alias("peak_value")
    ).sort(keys)


def monthly_totals(source: pl.DataFrame | pl.LazyFrame, *, date: str = "date", by: str = "brand",
                   value: str = "units", entity: str = "entity") -> pl.DataFrame:
    """Monthly totals per entity from row-level data (e.g. insurance registrations by city and
    model): ``sum(value)`` per calendar month and ``by``, as a tidy ``entity, month, value``
    frame that every other metric accepts.

    Pass a LazyFrame (``pl.scan_parquet``/``pl.scan_csv``) for large panels: it is aggregated
    with Polars' streaming engine, so the rows are never all in memory at once.

    >>> import datetime as dt, polars as pl
    >>> rows = pl.DataFrame({"date": [dt.date(2025, 6, 3), dt.date(2025, 6, 20), dt.date(2025, 7, 1)],
    ...                      "brand": ["AITO"] * 3, "units": [10, 5, 7]})
    >>> monthly_totals(rows.lazy()).rows()
    [('AITO', datetime.date(2025, 6, 1), 15), ('AITO', datetime.date(2025, 7, 1), 7)]
    """
    query = (source.lazy().group_by(pl.col(by).cast(pl.String).alias(entity),
                                    pl.col(date).dt.truncate("1mo").alias("month"))
             .agg(pl.col(value).sum().alias("value")).sort(entity, "month"))
    return query.collect(engine="streaming")
