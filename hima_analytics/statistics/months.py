"""Months and runs of months: input checks and gap handling shared by the statistics functions.

Gap policy: a missing month is an absent row. Nothing is filled or interpolated; methods that
need an evenly spaced series use one contiguous run of months, and say which. A month published
only as a bound ("over"/"under") is a gap too: a bound is not a count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ..metrics.qualifiers import is_bound
from ..metrics.series import require_columns, require_unique
from ..vocabulary import counted


@dataclass(frozen=True)
class MonthRun:
    """A contiguous run of months: first and last month, and its values in month order."""

    months: list[dt.date]
    values: list[float]

    @property
    def n(self) -> int:
        return len(self.months)

    def describe(self) -> str:
        if not self.months:
            return "no months"
        return (
            f"{counted(self.n, 'consecutive month')} ({month_label(self.months[0])} – {month_label(self.months[-1])})"
        )


def month_label(d: dt.date) -> str:
    """A month as readers write it: ``Feb 2026``."""
    import calendar

    return f"{calendar.month_abbr[d.month]} {d.year}"


def month_index(d: dt.date) -> int:
    """Months since year 0: consecutive months differ by exactly one."""
    return d.year * 12 + d.month - 1


def add_months(d: dt.date, k: int) -> dt.date:
    i = month_index(d) + k
    return dt.date(i // 12, i % 12 + 1, 1)


def clean_series(series: pl.DataFrame, *, value: str, month: str, where: str) -> pl.DataFrame:
    """One row per month with a non-null value, sorted by month; columns ``month`` and ``y``.

    A month whose ``qualifier`` (when the frame has one) is a bound ("over", "under") is left
    out like an unpublished one: a bound is not a count, so no model may fit it (see
    :func:`bound_months`).

    >>> import datetime as dt, polars as pl
    >>> f = pl.DataFrame({"month": [dt.date(2025, m, 1) for m in (1, 2, 3)], "value": [5, 6, 7],
    ...                   "qualifier": ["exact", "over", "about"]})
    >>> clean_series(f, value="value", month="month", where="doc")["y"].to_list()
    [5.0, 7.0]
    """
    require_columns(series, [month, value], where)
    if "qualifier" in series.columns:
        series = series.filter(~is_bound("qualifier").fill_null(False))
    require_unique(series, [month], where)
    if series.schema[month] != pl.Date:
        raise ValueError(
            f"{where}: expected column {month!r} of type Date (first of month); "
            f"got {series.schema[month]}. Hint: load frames through hima_analytics.load."
        )
    out = (
        series.select(pl.col(month).alias("month"), pl.col(value).cast(pl.Float64).alias("y"))
        .drop_nulls()
        .sort("month")
    )
    bad = out.filter(pl.col("month").dt.day() != 1)
    if not bad.is_empty():
        raise ValueError(f"{where}: expected first-of-month dates in {month!r}; got {bad['month'][0]}.")
    return out


def bound_months(series: pl.DataFrame, *, month: str = "month") -> list[dt.date]:
    """The months of ``series`` published only as a bound (qualifier "over" or "under"), which
    :func:`clean_series` leaves out; none when the frame has no ``qualifier`` column.

    >>> import datetime as dt, polars as pl
    >>> f = pl.DataFrame({"month": [dt.date(2025, 12, 1), dt.date(2026, 1, 1)], "qualifier": ["over", "exact"]})
    >>> bound_months(f)
    [datetime.date(2025, 12, 1)]
    """
    if "qualifier" not in series.columns:
        return []
    return sorted(series.filter(is_bound("qualifier").fill_null(False))[month].to_list())


def bounds_sentence(bounded: list[dt.date]) -> str:
    """Which months were published only as a bound and so count as gaps, or "".

    >>> bounds_sentence([dt.date(2025, 12, 1)])
    'Dec 2025 was published only as a bound (over or under), which is not a count, so it counts as a gap.'
    >>> print(bounds_sentence([dt.date(2022, 6, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)]))
    ... # doctest: +NORMALIZE_WHITESPACE
    Jun 2022, Nov 2025 and Dec 2025 were published only as bounds (over or under), which are not counts, so they
    count as gaps.
    """
    if not bounded:
        return ""
    labels = [month_label(m) for m in bounded]
    if len(labels) == 1:
        return (
            f"{labels[0]} was published only as a bound (over or under), which is not a count, so it counts as a gap."
        )
    listed = ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"{listed} were published only as bounds (over or under), which are not counts, so they count as gaps."


def runs(frame: pl.DataFrame) -> list[MonthRun]:
    """Contiguous runs of months in a cleaned frame (columns ``month``, ``y``), oldest first."""
    out: list[MonthRun] = []
    months, values = frame["month"].to_list(), frame["y"].to_list()
    for m, v in zip(months, values, strict=True):
        if out and month_index(m) == month_index(out[-1].months[-1]) + 1:
            out[-1].months.append(m)
            out[-1].values.append(v)
        else:
            out.append(MonthRun([m], [v]))
    return out


def longest_run(frame: pl.DataFrame) -> MonthRun:
    """The longest contiguous run (the latest one on a tie)."""
    rs = runs(frame)
    if not rs:
        return MonthRun([], [])
    return max(reversed(rs), key=lambda r: r.n)


def latest_run(frame: pl.DataFrame) -> MonthRun:
    """The contiguous run that ends at the latest observation."""
    rs = runs(frame)
    return rs[-1] if rs else MonthRun([], [])


def gap_note(frame: pl.DataFrame, used: MonthRun) -> str:
    """Sentence describing which run was used and what was left out."""
    total = frame.height
    if used.n == total:
        return f"The series is gap-free: {used.describe()}."
    n_runs = len(runs(frame))
    return (
        f"The series has gaps ({total} months observed in {n_runs} runs); only {used.describe()} "
        f"was used and {counted(total - used.n, 'earlier or separate month')} "
        f"{'was' if total - used.n == 1 else 'were'} left out (gaps are never filled)."
    )


def count_runs(frame: pl.DataFrame, *, by: str = "entity", seasonal_months: int = 24) -> pl.DataFrame:
    """The longest run of consecutive months published as a count, per ``by`` (the earliest on a
    tie). Columns: ``by``, ``run`` (months), ``from``, ``to``, ``bounds_in_series`` (how many
    months of the *whole series* were published only as a bound; none lies inside the run,
    since a bound is a gap that breaks it) and ``enough_for_seasonal_model``
    (``run >= seasonal_months``). A month given only as a bound is a gap, as in
    :func:`clean_series`. Only a ``by`` group with at least one monthly count has a row.

    >>> import datetime as dt, polars as pl
    >>> f = pl.DataFrame({"entity": ["A"] * 4, "month": [dt.date(2025, m, 1) for m in (1, 2, 3, 4)],
    ...                   "value": [5, 6, 7, 8], "qualifier": ["exact", "over", "about", "exact"]})
    >>> count_runs(f).select("run", "from", "bounds_in_series").row(0)
    (2, datetime.date(2025, 3, 1), 1)
    """
    require_columns(frame, [by, "month", "value"], "count_runs")
    counts = (frame.filter(~is_bound("qualifier").fill_null(False)) if "qualifier" in frame.columns else frame).filter(
        pl.col("value").is_not_null()
    )
    bounds = (
        frame.filter(is_bound("qualifier").fill_null(False)).group_by(by).agg(pl.len().alias("bounds_in_series"))
        if "qualifier" in frame.columns
        else frame.select(by).unique().with_columns(pl.lit(0).alias("bounds_in_series"))
    )
    idx = pl.col("month").dt.year() * 12 + pl.col("month").dt.month()
    return (
        counts.select(by, "month")
        .unique()
        .sort(by, "month")
        .with_columns((idx - idx.shift(1).over(by) != 1).fill_null(True).cum_sum().over(by).alias("_run"))
        .group_by(by, "_run")
        .agg(pl.len().alias("run"), pl.col("month").min().alias("from"), pl.col("month").max().alias("to"))
        .sort([by, "run", "from"], descending=[False, True, False])
        .group_by(by, maintain_order=True)
        .first()
        .drop("_run")
        .join(bounds, on=by, how="left")
        .with_columns(
            pl.col("bounds_in_series").fill_null(0).cast(pl.Int64),
            (pl.col("run") >= seasonal_months).alias("enough_for_seasonal_model"),
        )
        .sort(by)
    )
