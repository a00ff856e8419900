"""Metric library: pure, Polars-native functions over tidy frames.

Families: :mod:`~.growth`, :mod:`~.margins`, :mod:`~.deliveries`, :mod:`~.competition` and
:mod:`~.missing`. Shared policy: missing periods are null on a complete calendar, a zero or
negative base gives null, ratios are fractions, and nothing is forward-filled.
"""

from .competition import concentration, share_change_contributions, share_of_denominator, share_of_total
from .deliveries import (cumulative, monthly_totals, months_since_launch, peak_month, rolling_mean, rolling_sum,
                         run_rate, ytd)
from .growth import cagr, growth, growth_rate, hoh, mom, qoq, trailing_sum, ttm, yoy
from .margins import gross_margin, net_margin, per_vehicle, per_vehicle_economics, ratio, rd_intensity, wide_financials
from .missing import complete_months, missing_months

__all__ = [
    "cagr", "complete_months", "concentration", "cumulative", "gross_margin", "growth", "growth_rate", "hoh",
    "missing_months", "mom", "monthly_totals", "months_since_launch", "net_margin", "peak_month", "per_vehicle",
    "per_vehicle_economics", "qoq", "ratio", "rd_intensity", "rolling_mean", "rolling_sum", "run_rate",
    "share_change_contributions", "share_of_denominator", "share_of_total", "trailing_sum", "ttm",
    "wide_financials", "yoy", "ytd",
]
