"""Monthly delivery trends: rolling windows, YTD, cumulative since launch, ramp curves,
peak month and run-rate.

Every function matches months by date. A missing month makes any figure that would need it
null (a YTD total with a hole in it is not a YTD total); nothing is filled. Measures,
perimeters and units are part of each series (:func:`~.series.series_keys`), and when the frame
has a ``qualifier`` column each result gets ``<name>_qualifier`` by the sum rule of
:mod:`~.qualifiers` (a total with a lower bound in it is a lower bound).
For MoM and YoY, see :func:`hima_analytics.metrics.growth.mom` and ``yoy``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .growth import trailing_sum
from .qualifiers import POINTS, bounded_value, direction
from .series import has_qualifier, require_columns, require_unique, series_keys


def rolling_sum(
    df: pl.DataFrame,
    *,
    window: int,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str | None = None,
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Sum of the last ``window`` months (e.g. 3, 6 or 12), null unless all are present; named
    ``sum_<window>m``.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [10, 20, 30]})
    >>> rolling_sum(df, window=3)["sum_3m"].to_list()
    [None, None, 60]
    """
    return trailing_sum(
        df, window=window, value=value, period=period, by=by, name=name or f"sum_{window}m", qualifier=qualifier
    )


def rolling_mean(
    df: pl.DataFrame,
    *,
    window: int,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str | None = None,
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Mean of the last ``window`` months: ``sum_{window}m / window``, null unless all present;
    named ``mean_<window>m``. A mean over bounds is a bound (its qualifier says so).

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [10, 20, 30]})
    >>> rolling_mean(df, window=3)["mean_3m"].to_list()
    [None, None, 20.0]
    """
    out_name = name or f"mean_{window}m"
    out = rolling_sum(df, window=window, value=value, period=period, by=by, name="_rsum", qualifier=qualifier)
    out = out.with_columns((pl.col("_rsum") / window).alias(out_name)).drop("_rsum")
    return out.rename({"_rsum_qualifier": f"{out_name}_qualifier"}) if "_rsum_qualifier" in out.columns else out


def run_rate(
    df: pl.DataFrame,
    *,
    window: int = 3,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "run_rate",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Annualised run-rate: ``12 * mean(last window months)`` in vehicles per year.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [40_000, 45_000, 50_000]})
    >>> run_rate(df)["run_rate"].to_list()
    [None, None, 540000.0]
    """
    out = rolling_mean(df, window=window, value=value, period=period, by=by, name="_rmean", qualifier=qualifier)
    out = out.with_columns((pl.col("_rmean") * 12).alias(name)).drop("_rmean")
    return out.rename({"_rmean_qualifier": f"{name}_qualifier"}) if "_rmean_qualifier" in out.columns else out


def _running_qualifier(q: str) -> pl.Expr:
    """The sum rule over a running total (use with ``.over(keys, order_by=...)``)."""
    d = direction(q)
    rank = (
        pl.col(q)
        .cast(pl.String)
        .replace_strict({p: i for i, p in enumerate(POINTS)}, default=None, return_dtype=pl.Int8)
    )
    up, down = (d == 1).cast(pl.Int32).cum_sum() > 0, (d == -1).cast(pl.Int32).cum_sum() > 0
    worst = rank.cum_max()
    out = pl.lit(None, dtype=pl.String)
    for i, p in enumerate(POINTS):
        out = pl.when(worst == i).then(pl.lit(p)).otherwise(out)
    return (
        pl.when(up & down)
        .then(pl.lit(None, dtype=pl.String))
        .when(up)
        .then(pl.lit("over"))
        .when(down)
        .then(pl.lit("under"))
        .otherwise(out)
    )


def ytd(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "ytd",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Year-to-date total: ``sum(value[Jan .. t])``, null from the first missing month of the
    year onward (a month absent or null makes the YTD unknown, not smaller).

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 4,
    ...     "month": [dt.date(2025, m, 1) for m in (1, 2, 4, 5)], "value": [10, 20, 40, 50]})
    >>> ytd(df)["ytd"].to_list()
    [10, 30, None, None]

    A lower bound in the year makes the YTD a lower bound from that month on:

    >>> q = df.head(2).with_columns(pl.Series("qualifier", ["exact", "over"]))
    >>> ytd(q).select("ytd", "ytd_qualifier").rows()
    [(10, 'exact'), (30, 'over')]
    """
    keys = series_keys(df, by)
    require_columns(df, [*keys, period, value], name)
    require_unique(df, [*keys, period], name)
    year = pl.col(period).dt.year()
    window = [*keys, year]
    seen = pl.col(value).is_not_null().cum_sum().over(window, order_by=period)
    total = pl.col(value).cum_sum().over(window, order_by=period)
    complete = seen.cast(pl.Int32) == pl.col(period).dt.month().cast(pl.Int32)
    if not has_qualifier(df, qualifier):
        return df.with_columns(pl.when(complete).then(total).alias(name)).sort([*keys, period])
    q = pl.when(complete).then(_running_qualifier(qualifier).over(window, order_by=period))
    return (
        df.with_columns(q.alias(f"{name}_qualifier"))
        .with_columns(bounded_value(pl.when(complete).then(total), f"{name}_qualifier").alias(name))
        .select(*[c for c in df.columns], name, f"{name}_qualifier")
        .sort([*keys, period])
    )


def cumulative(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "cumulative",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Cumulative total since each series' first month, null from the first gap onward.

    Formula: ``sum(value[first .. t])`` while every month from the first to ``t`` is present.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3,
    ...     "month": [dt.date(2025, m, 1) for m in (1, 2, 4)], "value": [5, 7, 9]})
    >>> cumulative(df)["cumulative"].to_list()
    [5, 12, None]
    """
    keys = series_keys(df, by)
    require_columns(df, [*keys, period, value], name)
    require_unique(df, [*keys, period], name)
    over = keys or None
    first = pl.col(period).min().over(over) if over else pl.col(period).min()
    elapsed = (
        (pl.col(period).dt.year() - first.dt.year()) * 12
        + pl.col(period).dt.month().cast(pl.Int32)
        - first.dt.month().cast(pl.Int32)
        + 1
    )
    seen = pl.col(value).is_not_null().cum_sum()
    total = pl.col(value).cum_sum()
    running_q = _running_qualifier(qualifier) if has_qualifier(df, qualifier) else None
    if over:
        seen, total = seen.over(over, order_by=period), total.over(over, order_by=period)
        if running_q is not None:
            running_q = running_q.over(over, order_by=period)
    complete = seen.cast(pl.Int32) == elapsed.cast(pl.Int32)
    ordered = df.sort([*keys, period])
    if running_q is None:
        return ordered.with_columns(pl.when(complete).then(total).alias(name))
    return (
        ordered.with_columns(pl.when(complete).then(running_q).alias(f"{name}_qualifier"))
        .with_columns(bounded_value(pl.when(complete).then(total), f"{name}_qualifier").alias(name))
        .select(*df.columns, name, f"{name}_qualifier")
    )


def months_since_launch(
    df: pl.DataFrame,
    *,
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    launch: str | None = None,
    name: str = "months_since_launch",
) -> pl.DataFrame:
    """Months elapsed since launch, for ramp curves: 0 in the launch month, 1 the month after.

    ``launch`` names a Date column (e.g. ``first_delivery_date`` joined from the entities table);
    without it, each series' first month is month 0.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["M9"] * 2, "month": [dt.date(2024, 2, 1), dt.date(2025, 1, 1)]})
    >>> months_since_launch(df)["months_since_launch"].to_list()
    [0, 11]
    """
    keys = series_keys(df, by)
    require_columns(df, [*keys, period, *([launch] if launch else [])], name)
    start = pl.col(launch) if launch else (pl.col(period).min().over(keys) if keys else pl.col(period).min())
    diff = (pl.col(period).dt.year().cast(pl.Int32) - start.dt.year().cast(pl.Int32)) * 12 + (
        pl.col(period).dt.month().cast(pl.Int32) - start.dt.month().cast(pl.Int32)
    )
    return df.with_columns(diff.alias(name)).sort([*keys, period])


def ramp_from_launch(
    models: pl.DataFrame,
    launches: pl.DataFrame,
    *,
    entity: str = "entity",
    period: str = "month",
    launch: str = "launch",
    slack: int = 1,
    min_months: int = 3,
) -> pl.DataFrame:
    """Ramp curves that start where the model did: :func:`cumulative` deliveries by
    :func:`months_since_launch` (``launches`` maps ``entity`` to a ``launch`` date, e.g. first
    deliveries), kept only for models whose published record starts within ``slack`` months of
    that date and runs at least ``min_months`` consecutive months. A record that starts later
    would draw a curve from the wrong origin, with the launch months missing from its total.

    >>> import datetime as dt
    >>> D = dt.date
    >>> m = pl.DataFrame({"entity": ["A"] * 3 + ["B"] * 3, "month": [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)] * 2,
    ...                   "value": [100, 200, 300, 5000, 6000, 7000]})
    >>> l = pl.DataFrame({"entity": ["A", "B"], "launch": [D(2024, 1, 1), D(2023, 6, 1)]})
    >>> ramp_from_launch(m, l).select("entity", "months_since_launch", "cumulative").rows()
    [('A', 0, 100), ('A', 1, 300), ('A', 2, 600)]
    """
    require_columns(launches, [entity, launch], "ramp_from_launch (launches)")
    cum = cumulative(models.with_columns(pl.col(entity).cast(pl.String)), period=period)
    dated = cum.join(launches.select(pl.col(entity).cast(pl.String), pl.col(launch)).drop_nulls(launch), on=entity)
    ramp = months_since_launch(dated, period=period, launch=launch)
    return ramp.filter(
        (pl.col("months_since_launch").min().over(entity) <= slack)
        & (pl.col("cumulative").is_not_null().sum().over(entity) >= min_months)
    )


def peak_month(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """One row per series: the month with the highest value (earliest on ties) and that value.

    With a qualifier column, adds ``peak_qualifier`` (the peak figure's own) and
    ``peak_certain``: False when another month is a lower bound ("over") that could exceed the
    peak, or the peak itself is an upper bound, so that "the strongest month" is not known.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                    "value": [5, 9, 9]})
    >>> peak_month(df).row(0)
    ('A', datetime.date(2025, 2, 1), 9)
    >>> b = df.with_columns(pl.Series("qualifier", ["over", "exact", "exact"]))
    >>> peak_month(b).select("peak_value", "peak_certain").row(0)
    (9, False)
    """
    keys = series_keys(df, by)
    require_columns(df, [*keys, period, value], "peak_month")
    known = df.filter(pl.col(value).is_not_null())
    ranked = known.sort([*keys, value, period], descending=[False] * len(keys) + [True, False])
    qualified = has_qualifier(df, qualifier)
    out = (
        ranked.group_by(keys, maintain_order=True)
        .first()
        .select(
            *keys,
            pl.col(period).alias("peak_month"),
            pl.col(value).alias("peak_value"),
            *([pl.col(qualifier).cast(pl.String).alias("peak_qualifier")] if qualified else []),
        )
    )
    if not qualified:
        return out.sort(keys)
    rivals = known.join(out.select(*keys, "peak_month"), on=keys).filter(
        (pl.col(period) != pl.col("peak_month")) & (pl.col(qualifier).cast(pl.String) == "over")
    )
    doubtful = (
        rivals.group_by(keys).len().select(*keys, pl.lit(True).alias("_doubt"))
        if keys
        else pl.DataFrame({"_doubt": [True] * min(1, rivals.height)})
    )
    joined = (
        out.join(doubtful, on=keys, how="left")
        if keys
        else out.with_columns(pl.lit(bool(doubtful.height)).alias("_doubt"))
    )
    return (
        joined.with_columns(
            (~pl.col("_doubt").fill_null(False) & (pl.col("peak_qualifier") != "under")).alias("peak_certain")
        )
        .drop("_doubt")
        .sort(keys)
    )


def monthly_totals(
    source: pl.DataFrame | pl.LazyFrame,
    *,
    date: str = "date",
    by: str = "brand",
    value: str = "units",
    entity: str = "entity",
) -> pl.DataFrame:
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
    query = (
        source.lazy()
        .group_by(pl.col(by).cast(pl.String).alias(entity), pl.col(date).dt.truncate("1mo").alias("month"))
        .agg(pl.col(value).sum().alias("value"))
        .sort(entity, "month")
    )
    return query.collect(engine="streaming")
