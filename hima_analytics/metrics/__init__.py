"""Metric library: pure, Polars-native functions over tidy frames.

Families: :mod:`~.growth`, :mod:`~.margins`, :mod:`~.deliveries`, :mod:`~.competition`,
:mod:`~.ranking`, :mod:`~.targets`, :mod:`~.mix` and :mod:`~.missing`, with two shared rules:
:mod:`~.series` (what makes a series) and
:mod:`~.qualifiers` (how bounds and precision carry into derived figures).

Policy, the same everywhere:

- periods are matched by key, never by row position; a missing period is null on a complete
  calendar; nothing is forward-filled, interpolated or zero-filled;
- a zero, negative, null, NaN or infinite base gives null, never inf;
- ratios are fractions (0.25 means 25 %); percentages are for display;
- measures, perimeters and units are part of every series key; a figure that would pool two of
  them raises :class:`~hima_analytics.errors.MixedSeriesError`;
- a derived figure carries ``<name>_qualifier`` from its inputs by the rule in
  :mod:`~.qualifiers` (a sum with a lower bound in it is a lower bound, and so on);
- expression builders name their output after the metric, never after an input column.

Parameter vocabulary (every function uses these names, keyword-only):

``value``
    the column holding the figures (default ``"value"``).
``period``
    the column that orders a series and matches periods: ``"month"`` for monthly volumes,
    ``"period_start"`` for financials.
``by``
    the columns that identify a series, e.g. ``("entity",)`` or ``("company", "metric")``;
    ``measure``, ``perimeter`` and ``unit`` are added when the frame has them.
``entity``
    the column naming the parts of a total (shares, concentration).
``window`` / ``step``
    window length in months (e.g. 3 for a 3-month rolling sum; 12 with ``step=3`` for TTM of
    quarters).
``name``
    the output column; its qualifier goes to ``<name>_qualifier``.
``qualifier``
    the input's qualifier column (default ``"qualifier"``; ignored when absent).
"""

from .competition import concentration, share_change_contributions, share_of_denominator, share_of_total
from .deliveries import (
    cumulative,
    monthly_totals,
    months_since_launch,
    peak_month,
    ramp_from_launch,
    rolling_mean,
    rolling_sum,
    run_rate,
    ytd,
)
from .growth import cagr, growth, growth_rate, hoh, mom, qoq, trailing_sum, ttm, yoy
from .margins import (
    gross_margin,
    margins,
    net_margin,
    per_vehicle,
    per_vehicle_economics,
    ratio,
    rd_intensity,
    wide_financials,
)
from .missing import complete_months, missing_months
from .mix import powertrain_mix
from .ranking import like_periods, nearest_in_size, period_total, rank, rank_change
from .targets import guidance_implied, target_progress

__all__ = [
    "cagr",
    "complete_months",
    "concentration",
    "cumulative",
    "gross_margin",
    "growth",
    "growth_rate",
    "guidance_implied",
    "hoh",
    "like_periods",
    "margins",
    "missing_months",
    "mom",
    "monthly_totals",
    "months_since_launch",
    "ramp_from_launch",
    "nearest_in_size",
    "net_margin",
    "peak_month",
    "per_vehicle",
    "per_vehicle_economics",
    "period_total",
    "powertrain_mix",
    "qoq",
    "rank",
    "rank_change",
    "ratio",
    "rd_intensity",
    "rolling_mean",
    "rolling_sum",
    "run_rate",
    "share_change_contributions",
    "share_of_denominator",
    "share_of_total",
    "target_progress",
    "trailing_sum",
    "ttm",
    "wide_financials",
    "yoy",
    "ytd",
]
