"""Growth: MoM, QoQ, HoH, YoY, trailing sums (TTM) and CAGR.

Rules shared by every function here:

- Periods are matched by their key (the period's first day shifted by whole months), never
  by row position, so a missing prior period gives null rather than a wrong comparison.
- A zero or negative base gives null, never inf: growth from a loss is not a percentage.
- Period types are never mixed: a frame with a ``period_type`` column must hold one type per
  series (filter first, or put ``period_type`` in ``by``).
- Measures, perimeters and units are part of the series: a frame's ``measure``, ``perimeter``
  and ``unit`` columns are added to ``by`` (:func:`~.series.series_keys`), so a wholesale month
  is never compared with a delivery month.
- Qualifiers propagate (:mod:`~.qualifiers`): when the frame has a ``qualifier`` column, each
  result gets ``<name>_qualifier``; growth from a bound is a bound when its direction is certain
  and null otherwise.
- Results are fractions (0.25 means +25 %); formatting as a percentage is for display.
- Output rows are sorted by ``by`` and period, whatever the input order.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .qualifiers import bounded_value, qualifier_of_ratio, qualifier_of_sum
from .series import (
    has_qualifier,
    require_columns,
    require_single_period_type,
    require_unique,
    series_keys,
    valid_base,
)


def growth_rate(current: str | pl.Expr, base: str | pl.Expr) -> pl.Expr:
    """Growth rate: ``current / base - 1`` (fraction), named ``growth``; null when ``base`` is
    zero, negative, null, NaN or inf, or ``current`` is not finite.

    >>> import polars as pl
    >>> pl.DataFrame({"c": [120.0, 5.0, 5.0, 5.0], "b": [100.0, 0.0, -2.0, float("nan")]}).select(
    ...     growth_rate("c", "b"))["growth"].to_list()
    [0.19999999999999996, None, None, None]
    """
    c = pl.col(current) if isinstance(current, str) else current
    b = pl.col(base) if isinstance(base, str) else base
    return pl.when(valid_base(b) & c.cast(pl.Float64).is_finite()).then(c / b - 1).alias("growth")


def growth(
    df: pl.DataFrame,
    *,
    months: int,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "growth",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Growth against the period ``months`` earlier, matched by period key.

    Formula: ``value[t] / value[t - months] - 1`` (fraction); null when the earlier period is
    missing or its value is zero or negative. Adds ``<name>_base`` and ``<name>`` (and
    ``<name>_qualifier`` when the frame has a qualifier column).

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 3,
    ...     "month": [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 4, 1)],
    ...     "value": [100, 150, 90]})
    >>> growth(df, months=1)["growth"].to_list()  # April has no March to compare with
    [None, 0.5, None]

    A lower bound against an exact base is a lower bound; against another lower bound the
    direction is unknown, so the growth is null:

    >>> b = pl.DataFrame({"entity": ["X"] * 3, "month": [dt.date(2025, m, 1) for m in (1, 2, 3)],
    ...                   "value": [20_000, 25_000, 25_000], "qualifier": ["exact", "over", "over"]})
    >>> growth(b, months=1).select("growth", "growth_qualifier").rows()
    [(None, None), (0.25, 'over'), (None, None)]
    """
    keys = series_keys(df, by)
    require_columns(df, [*keys, period, value], name)
    require_unique(df, [*keys, period], name)
    require_single_period_type(df, keys, name)
    qualified = has_qualifier(df, qualifier)
    base = df.select(
        *keys,
        pl.col(period).dt.offset_by(f"{months}mo").alias(period),
        pl.col(value).alias(f"{name}_base"),
        *([pl.col(qualifier).cast(pl.String).alias("_base_q")] if qualified else []),
    )
    out = df.join(base, on=[*keys, period], how="left")
    rate = growth_rate(value, f"{name}_base")
    if qualified:
        q = pl.when(rate.is_not_null()).then(qualifier_of_ratio(qualifier, "_base_q"))
        out = (
            out.with_columns(q.alias(f"{name}_qualifier"))
            .with_columns(bounded_value(rate, f"{name}_qualifier").alias(name))
            .drop("_base_q")
        )
        out = out.select([c for c in out.columns if c != f"{name}_qualifier"] + [f"{name}_qualifier"])
    else:
        out = out.with_columns(rate.alias(name))
    return out.sort([*keys, period])


def mom(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "mom",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Month-on-month growth: ``value[t] / value[t - 1 month] - 1``. See :func:`growth`.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["HIMA", "HIMA"],
    ...     "month": [dt.date(2025, 5, 1), dt.date(2025, 6, 1)], "value": [44_000, 52_747]})
    >>> round(mom(df)["mom"][1], 4)
    0.1988
    """
    return growth(df, months=1, value=value, period=period, by=by, name=name, qualifier=qualifier)


def qoq(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "period_start",
    by: str | Sequence[str] | None = ("company", "metric"),
    name: str = "qoq",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Quarter-on-quarter growth of quarterly figures, keyed on the quarter's first day.

    Formula: ``value[q] / value[q - 3 months] - 1``.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"company": ["S", "S"], "metric": ["revenue"] * 2, "period_type": ["Q", "Q"],
    ...     "period_start": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)], "value": [200.0, 250.0]})
    >>> qoq(df)["qoq"].to_list()
    [None, 0.25]
    """
    return growth(df, months=3, value=value, period=period, by=by, name=name, qualifier=qualifier)


def hoh(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "period_start",
    by: str | Sequence[str] | None = ("company", "metric"),
    name: str = "hoh",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Half-on-half growth: ``value[h] / value[h - 6 months] - 1``.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"company": ["S", "S"], "metric": ["revenue"] * 2, "period_type": ["H", "H"],
    ...     "period_start": [dt.date(2024, 7, 1), dt.date(2025, 1, 1)], "value": [80.0, 60.0]})
    >>> hoh(df)["hoh"].to_list()
    [None, -0.25]
    """
    return growth(df, months=6, value=value, period=period, by=by, name=name, qualifier=qualifier)


def yoy(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str = "yoy",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Year-on-year growth: ``value[t] / value[t - 12 months] - 1``, for months, quarters,
    halves or years alike (one period type per series).

    Seres's 2024 revenue of 145,176 CNY mn against 35,842 CNY mn in 2023:

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"company": ["SERES"] * 2, "metric": ["revenue"] * 2, "period_type": ["FY"] * 2,
    ...     "period_start": [dt.date(2023, 1, 1), dt.date(2024, 1, 1)], "value": [35_842.0, 145_176.0]})
    >>> round(yoy(df, period="period_start", by=["company", "metric"])["yoy"][1], 4)
    3.0504
    """
    return growth(df, months=12, value=value, period=period, by=by, name=name, qualifier=qualifier)


def trailing_sum(
    df: pl.DataFrame,
    *,
    window: int,
    step: int = 1,
    value: str = "value",
    period: str = "month",
    by: str | Sequence[str] | None = ("entity",),
    name: str | None = None,
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Sum over the ``window`` months ending at each period, null unless every period in the
    window (one every ``step`` months) is present and non-null. Named ``sum_<window>m`` unless
    ``name`` is given; ``<name>_qualifier`` follows the sum rule (:mod:`~.qualifiers`).

    Formula: ``sum(value[t - k * step] for k in 0 .. window/step - 1)``. The window is found by
    date, never by row count, so a gap makes the result null instead of silently reaching back.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"entity": ["A"] * 4,
    ...     "month": [dt.date(2025, m, 1) for m in (1, 2, 3, 5)], "value": [1, 2, 3, 5]})
    >>> trailing_sum(df, window=3)["sum_3m"].to_list()
    [None, None, 6, None]
    """
    if window % step:
        raise ValueError(f"trailing_sum: window={window} must be a multiple of step={step}")
    keys = series_keys(df, by)
    out_name = name or f"sum_{window}m"
    require_columns(df, [*keys, period, value], out_name)
    require_unique(df, [*keys, period], out_name)
    require_single_period_type(df, keys, out_name)
    needed = window // step
    qualified = has_qualifier(df, qualifier)
    ordered = df.sort([*keys, period])
    agg = ordered.rolling(index_column=period, period=f"{window}mo", group_by=keys or None).agg(
        pl.col(value).sum().alias("_sum"),
        pl.col(value).count().alias("_n"),
        *([qualifier_of_sum(qualifier).alias("_q")] if qualified else []),
    )
    complete = pl.col("_n") == needed
    agg = (
        agg.select(
            *keys,
            period,
            *([pl.when(complete).then(pl.col("_q")).alias(f"{out_name}_qualifier")] if qualified else []),
            (bounded_value("_sum", "_q") if qualified else pl.col("_sum")).alias("_sum"),
            complete.alias("_ok"),
        )
        .with_columns(pl.when(pl.col("_ok")).then(pl.col("_sum")).alias(out_name))
        .drop("_sum", "_ok")
    )
    agg = agg.select(*keys, period, out_name, *([f"{out_name}_qualifier"] if qualified else []))
    return ordered.join(agg, on=[*keys, period], how="left").sort([*keys, period])


def ttm(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "period_start",
    by: str | Sequence[str] | None = ("company", "metric"),
    name: str = "ttm",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Trailing twelve months of quarterly figures: the sum of the quarter and the three before
    it, null unless all four quarters are present.

    >>> import datetime as dt, polars as pl
    >>> q = [dt.date(2024, m, 1) for m in (1, 4, 7, 10)] + [dt.date(2025, 1, 1)]
    >>> df = pl.DataFrame({"company": ["S"] * 5, "metric": ["revenue"] * 5, "period_type": ["Q"] * 5,
    ...     "period_start": q, "value": [10.0, 20.0, 30.0, 40.0, 50.0]})
    >>> ttm(df)["ttm"].to_list()
    [None, None, None, 100.0, 140.0]
    """
    return trailing_sum(df, window=12, step=3, value=value, period=period, by=by, name=name, qualifier=qualifier)


def cagr(first: str | pl.Expr, last: str | pl.Expr, years: float | pl.Expr) -> pl.Expr:
    """Compound annual growth rate: ``(last / first) ** (1 / years) - 1`` (fraction per year),
    named ``cagr``.

    Null when ``first`` is zero, negative or not finite, ``last`` is negative or ``years`` is
    not positive.

    >>> import polars as pl
    >>> pl.DataFrame({"a": [100.0], "b": [121.0]}).select(cagr("a", "b", 2.0).round(4))["cagr"][0]
    0.1
    """
    f = pl.col(first) if isinstance(first, str) else first
    last_ = pl.col(last) if isinstance(last, str) else last
    y = years if isinstance(years, pl.Expr) else pl.lit(float(years))
    return (
        pl.when(valid_base(f) & last_.cast(pl.Float64).is_finite() & (last_ >= 0) & (y > 0))
        .then((last_ / f).pow(1.0 / y) - 1)
        .alias("cagr")
    )
