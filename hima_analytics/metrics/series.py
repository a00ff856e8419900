"""What makes a series, and the argument checks every metric shares.

A *series* is one run of figures over time that can be compared with itself: one entity (or
company and metric) **and** one measure, one perimeter and one unit. Whenever a frame carries
``measure``, ``perimeter`` or ``unit`` columns, :func:`series_keys` adds them to the caller's
``by``, so that growth, rolling figures, YTD and calendars never compare deliveries with
wholesale, a passenger-only month with a total one, or yuan with fractions. Functions that pool
several series into one figure (shares, concentration) call :func:`require_one` instead, which
raises :class:`~hima_analytics.errors.MixedSeriesError` naming what would be pooled.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ..errors import DuplicateKeyError, MissingColumnsError, MixedPeriodsError, MixedSeriesError

__all__ = [
    "SERIES_DIMENSIONS",
    "as_list",
    "has_qualifier",
    "require_columns",
    "require_one",
    "require_single_period_type",
    "require_unique",
    "series_keys",
    "valid_base",
]

#: Columns that tell series apart whenever a frame has them.
SERIES_DIMENSIONS = ("measure", "perimeter", "unit")


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """``None`` -> ``[]``, ``"a"`` -> ``["a"]``, a sequence -> a list.

    >>> as_list(None), as_list("entity"), as_list(("company", "metric"))
    ([], ['entity'], ['company', 'metric'])
    """
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def series_keys(df: pl.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """``by`` plus every series dimension (measure, perimeter, unit) the frame has.

    >>> df = pl.DataFrame({"entity": ["A"], "measure": ["deliveries"], "month": [1], "value": [1]})
    >>> series_keys(df, "entity")
    ['entity', 'measure']
    """
    keys = as_list(by)
    return keys + [d for d in SERIES_DIMENSIONS if d in df.columns and d not in keys]


def has_qualifier(df: pl.DataFrame, qualifier: str = "qualifier") -> bool:
    """Whether the frame carries a qualifier column (metrics then propagate it)."""
    return qualifier in df.columns


def valid_base(x: pl.Expr) -> pl.Expr:
    """True where ``x`` can be a denominator or a growth base: finite and positive (null, zero,
    negative, NaN and inf are not).

    >>> pl.DataFrame({"x": [2.0, 0.0, -1.0, None, float("nan"), float("inf")]}).select(
    ...     valid_base(pl.col("x")).alias("ok"))["ok"].to_list()
    [True, False, False, None, False, False]
    """
    return x.cast(pl.Float64).is_finite() & (x > 0)


def require_columns(df: pl.DataFrame, columns: Sequence[str], func: str) -> None:
    """Raise :class:`~hima_analytics.errors.MissingColumnsError` if any of ``columns`` is absent."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MissingColumnsError(func, missing, df.columns)


def require_unique(df: pl.DataFrame, key: Sequence[str], func: str) -> None:
    """Raise :class:`~hima_analytics.errors.DuplicateKeyError` if ``key`` repeats."""
    dup = df.group_by(key).len().filter(pl.col("len") > 1)
    if not dup.is_empty():
        example = dup.drop("len").row(0, named=True)
        raise DuplicateKeyError(
            f"{func}: {dup.height} duplicate key(s) on {list(key)}, e.g. {example}. "
            "Hint: filter to one measure/metric/source (loaders return one preferred value per key) "
            "or add the distinguishing column to by=."
        )


def require_one(
    df: pl.DataFrame, within: Sequence[str], func: str, dimensions: Sequence[str] = SERIES_DIMENSIONS
) -> None:
    """Raise :class:`~hima_analytics.errors.MixedSeriesError` when a group of ``within`` holds
    more than one measure, perimeter or unit (a pooled figure would mix them).

    >>> df = pl.DataFrame({"month": [1, 1], "entity": ["A", "B"], "measure": ["deliveries", "wholesale"]})
    >>> require_one(df, ["month"], "share_of_total")
    Traceback (most recent call last):
    ...
    hima_analytics.errors.MixedSeriesError: share_of_total: would pool measure ['deliveries', 'wholesale'] ...
    """
    for dim in dimensions:
        if dim not in df.columns or dim in within:
            continue
        grouped = df.group_by(within or pl.lit(0)).agg(pl.col(dim).cast(pl.String).unique().sort().alias("_v"))
        mixed = grouped.filter(pl.col("_v").list.len() > 1)
        if not mixed.is_empty():
            values = mixed["_v"][0].to_list()
            raise MixedSeriesError(
                f"{func}: would pool {dim} {values} in one figure (e.g. within "
                f"{mixed.drop('_v').row(0, named=True) if within else 'the whole frame'}). Hint: filter to one "
                f"{dim} first, e.g. df.filter(pl.col({dim!r}) == {values[0]!r}), or compare them side by side."
            )


def require_single_period_type(df: pl.DataFrame, by: Sequence[str], func: str) -> None:
    """Raise :class:`~hima_analytics.errors.MixedPeriodsError` when one series mixes quarters,
    halves and years."""
    if "period_type" not in df.columns or "period_type" in by:
        return
    mixed = df.group_by(by or pl.lit(0)).agg(pl.col("period_type").n_unique().alias("n")).filter(pl.col("n") > 1)
    if not mixed.is_empty():
        kinds = sorted(df["period_type"].cast(pl.String).unique().to_list())
        raise MixedPeriodsError(
            f"{func}: period types {kinds} are mixed within a series. Growth compares like with like: "
            "filter to one period_type (e.g. pl.col('period_type') == 'Q') or add 'period_type' to by=."
        )
