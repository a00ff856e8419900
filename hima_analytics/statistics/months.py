"""Months and runs of months: input checks and gap handling shared by the statistics functions.

Gap policy: a missing month is an absent row. Nothing is filled or interpolated; methods that
need an evenly spaced series use one contiguous run of months, and say which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

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
    """One row per month with a non-null value, sorted by month; columns ``month`` and ``y``."""
    require_columns(series, [month, value], where)
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
