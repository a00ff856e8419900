"""Growth: MoM, QoQ, HoH, YoY, trailing sums (TTM) and CAGR.

Rules shared by every function here:

- Periods are matched by their key (the period's first day shifted by whole months), never
  by row position, so a missing prior period gives null rather than a wrong comparison.
- A zero or negative base gives null, never inf: growth from a loss is not a percentage.
- Period types are never mixed: a frame with a ``period_type`` column must hold one type per
  series (filter first, or put ``period_type`` in ``by``).
- Results are fractions (0.25 means +25 %); formatting as a percentage is for display.
- Output rows are sorted by ``by`` and period, whatever the input order.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ._checks import as_list, require_columns, require_single_period_type, require_unique


def growth_rate(current: str | pl.Expr, base: str | pl.Expr) -> pl.Expr:
    """``current / base - 1``, null when ``base`` is zero, negative or null.

    >>> import polars as pl
    >>> pl.DataFrame({"c": [120.0, 5.0, 5.0], "b": [100.0, 0.0, -2.0]}).select(
    ...     growth_rate("c", "b").alias("g"))["g"].to_list()
    [0.19999999999999996, None, None]
    """
    c = pl.col(current) if isinstance(current, str) else current
    b = pl.col(base) if isinstance(base, str) else base
    return pl.when(b > 0).then(c / b - 1)


def growth(
    df: pl.DataFrame,
    *,
    months: int,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "growth",
) -> pl.DataFrame:
    """Growth against the period ``months`` earlier, matched by period key.

    Formula: ``value[t] / value[t - months] - 1`` (fraction); null when the earlier period is
    missing or its value is zero or negative. Adds columns ``<name>_base`` and ``<name>``.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3,
    ...     "month": [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 4, 1)],
    ...     "value": [100, 150, 90]})
    >>> growth(df, months=1)["growth"].to_list()  # April has no March to compare with
    [None, 0.5, None]
    """
    keys = as_list(by)
    require_columns(df, [*keys, period, value], name)
    require_unique(df, [*keys, period], name)
    require_single_period_type(df, keys, name)
    base = df.select(
        *keys,
        pl.col(period).dt.offset_by(f"{months}mo").alias(period),
        pl.col(value).alias(f"{name}_base"),
    )
    return (
        df.join(base, on=[*keys, period], how="left")
        .with_columns(growth_rate(value, f"{name}_base").alias(name))
        .sort([*keys, period])
    )


def mom(df: pl.DataFrame, *, value: str = "value", period: str = "month",
        by: str | Sequence[str] | None = ("entity",), name: str = "mom") -> pl.DataFrame:
    """Month-on-month growth: ``value[t] / value[t - 1 month] - 1``. See :func:`growth`.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["HIMA", "HIMA"],
    ...     "month": [dt.date(2025, 5, 1), dt.date(2025, 6, 1)], "value": [44_000, 52_747]})
    >>> round(mom(df)["mom"][1], 4)
    0.1988
    """
    return growth(df, months=1, value=value, period=period, by=by, name=name)


def qoq(df: pl.DataFrame, *, value: str = "value", period: str = "period_start",
        by: str | Sequence[str] | None = ("company", "metric"), name: str = "qoq") -> pl.DataFrame:
    """Quarter-on-quarter growth of quarterly figures, keyed on the quarter's first day.

    Formula: ``value[q] / value[q - 3 months] - 1``.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"company": ["S", "S"], "metric": ["revenue"] * 2, "period_type": ["Q", "Q"],
    ...     "period_start": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)], "value": [200.0, 250.0]})
    >>> qoq(df)["qoq"].to_list()
    [None, 0.25]
    """
    return growth(df, months=3, value=value, period=period, by=by, name=name)


def hoh(df: pl.DataFrame, *, value: str = "value", period: str = "period_start",
        by: str | Sequence[str] | None = ("company", "metric"), name: str = "hoh") -> pl.DataFrame:
    """Half-on-half growth: ``value[h] / value[h - 6 months] - 1``.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"company": ["S", "S"], "metric": ["revenue"] * 2, "period_type": ["H", "H"],
    ...     "period_start": [dt.date(2024, 7, 1), dt.date(2025, 1, 1)], "value": [80.0, 60.0]})
    >>> hoh(df)["hoh"].to_list()
    [None, -0.25]
    """
    return growth(df, months=6, value=value, period=period, by=by, name=name)


def yoy(df: pl.DataFrame, *, value: str = "value", period: str = "month",
        by: str | Sequence[str] | None = ("entity",), name: str = "yoy") -> pl.DataFrame:
    """Year-on-year growth: ``value[t] / value[t - 12 months] - 1``, for months, quarters,
    halves or years alike (one period type per series).

    Seres's 2024 revenue of 145,176 CNY mn against 35,842 CNY mn in 2023:

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"company": ["SERES"] * 2, "metric": ["revenue"] * 2, "period_type": ["FY"] * 2,
    ...     "period_start": [dt.date(2023, 1, 1), dt.date(2024, 1, 1)], "value": [35_842.0, 145_176.0]})
    >>> round(yoy(df, period="period_start", by=["company", "metric"])["yoy"][1], 4)
    3.0504
    """
    return growth(df, months=12, value=value, period=period, by=by, name=name)


def trailing_sum(
    df: pl.DataFrame,
    *,
    window_months: int,
    step_months: int = 1,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str | None = None,
) -> pl.DataFrame:
    """Sum over the ``window_months`` ending at each period, null unless every period in the
    window (one every ``step_months``) is present and non-null.

    Formula: ``sum(value[t - k * step] for k in 0 .. window/step - 1)``. The window is found by
    date, never by row count, so a gap makes the result null instead of silently reaching back.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 4,
    ...     "month": [dt.date(2025, m, 1) for m in (1, 2, 3, 5)], "value": [1, 2, 3, 5]})
    >>> trailing_sum(df, window_months=3)["sum_3m"].to_list()
    [None, None, 6, None]
    """
    if window_months % step_months:
        raise ValueError(f"window_months={window_months} must be a multiple of step_months={step_months}")
    keys = as_list(by)
    out_name = name or f"sum_{window_months}m"
    require_columns(df, [*keys, period, value], out_name)
    require_unique(df, [*keys, period], out_name)
    require_single_period_type(df, keys, out_name)
    needed = window_months // step_months
    ordered = df.sort([*keys, period])
    agg = ordered.rolling(index_column=period, period=f"{window_months}mo", group_by=keys or None).agg(
        pl.col(value).sum().alias("_sum"), pl.col(value).count().alias("_n")
    )
    agg = agg.select(*keys, period, pl.when(pl.col("_n") == needed).then(pl.col("_sum")).alias(out_name))
    return ordered.join(agg, on=[*keys, period], how="left").sort([*keys, period])


def ttm(df: pl.DataFrame, *, value: str = "value", period: str = "period_start",
        by: str | Sequence[str] | None = ("company", "metric"), name: str = "ttm") -> pl.DataFrame:
    """Trailing twelve months of quarterly figures: the sum of the quarter and the three before
    it, null unless all four quarters are present.

    >>> import datetime as dt, polars as pl
    >>> q = [dt.date(2024, m, 1) for m in (1, 4, 7, 10)] + [dt.date(2025, 1, 1)]
    >>> df = pl.DataFrame({"company": ["S"] * 5, "metric": ["revenue"] * 5, "period_type": ["Q"] * 5,
    ...     "period_start": q, "value": [10.0, 20.0, 30.0, 40.0, 50.0]})
    >>> ttm(df)["ttm"].to_list()
    [None, None, None, 100.0, 140.0]
    """
    return trailing_sum(df, window_months=12, step_months=3, value=value, period=period, by=by, name=name)


def cagr(first: str | pl.Expr, last: str | pl.Expr, years: float | pl.Expr) -> pl.Expr:
    """Compound annual growth rate: ``(last / first) ** (1 / years) - 1``.

    Null when ``first`` is zero or negative, ``last`` is negative or ``years`` is not positive.

    >>> import polars as pl
    >>> pl.DataFrame({"a": [100.0], "b": [121.0]}).select(cagr("a", "b", 2.0).round(4).alias("g"))["g"][0]
    0.1
    """
    f = pl.col(first) if isinstance(first, str) else first
    last_ = pl.col(last) if isinstance(last, str) else last
    y = years if isinstance(years, pl.Expr) else pl.lit(float(years))
    return pl.when((f > 0) & (last_ >= 0) & (y > 0)).then((last_ / f).pow(1.0 / y) - 1)
