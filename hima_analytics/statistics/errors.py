"""Errors raised by the statistics module (defined once in :mod:`hima_analytics.errors`, or here
when they carry statistics' own types)."""

from __future__ import annotations

import datetime as dt

from ..errors import InsufficientData
from .months import MonthRun

__all__ = ["InsufficientData", "ShortRun"]


class ShortRun(InsufficientData):
    """Too few consecutive published months end at the latest observation to forecast from. The
    message is :class:`InsufficientData`'s; the fields say the same as data, for sentences:
    ``run`` (the run that ends at the latest month), ``earlier`` (a longer run before it, not
    used) and ``bounded`` (months published only as a bound, which break runs).

    >>> run = MonthRun([dt.date(2026, 1, 1), dt.date(2026, 2, 1)], [1.0, 2.0])
    >>> err = ShortRun(minimum=6, run=run, earlier=None, bounded=[dt.date(2025, 12, 1)], hint="wait")
    >>> err.minimum, err.run.n, err.bounded
    (6, 2, [datetime.date(2025, 12, 1)])
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    forecast: expected at least 6 months; got 2 consecutive months (Jan 2026 – Feb 2026) ending at the
    latest observation. Hint: wait
    """

    def __init__(
        self, *, minimum: int, run: MonthRun, earlier: MonthRun | None, bounded: list[dt.date], hint: str = ""
    ) -> None:
        self.run = run
        self.earlier = earlier
        self.bounded = bounded
        super().__init__(
            where="forecast", minimum=minimum, got=f"{run.describe()} ending at the latest observation", hint=hint
        )
