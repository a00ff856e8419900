"""Sentences a report says about its own frames.

Every function takes the frame a report also offers as a download (and that download's
name), computes what the sentence states, and returns :class:`~hima_analytics.display.text.Text`
whose figures are cited (:func:`~hima_analytics.display.text.cite`), so a test can recompute
each one from the page. Nothing here is hand-typed: months, makers, figures and directions
all come from the frame. A sentence that the data cannot support is not said, or says what is
missing."""

from __future__ import annotations

from .common import count_or_no, latest_row, shift_month
from .competition import biggest_mover, leader, like_for_like, month_leader, not_published, target_status
from .deliveries import (
    coverage,
    events_in_window,
    latest_month,
    missing_in_window,
    mix_coverage,
    nearest_rivals,
    other_measures,
    record_summary,
    share_trend,
    ytd_status,
)
from .outlook import (
    event_effects_status,
    event_effects_unestimated,
    forecast_caption,
    forecast_checks,
    forecast_status,
    share_breaks_status,
)
from .record import (
    contradicted_claims,
    latest_period_growth,
    per_vehicle_fact,
    tier_shares,
    validation_status,
    verdict_counts,
)

__all__ = [
    "biggest_mover",
    "contradicted_claims",
    "count_or_no",
    "coverage",
    "event_effects_status",
    "event_effects_unestimated",
    "forecast_caption",
    "events_in_window",
    "forecast_checks",
    "forecast_status",
    "latest_month",
    "latest_period_growth",
    "latest_row",
    "leader",
    "like_for_like",
    "missing_in_window",
    "mix_coverage",
    "month_leader",
    "nearest_rivals",
    "other_measures",
    "not_published",
    "per_vehicle_fact",
    "record_summary",
    "share_breaks_status",
    "share_trend",
    "shift_month",
    "target_status",
    "tier_shares",
    "validation_status",
    "verdict_counts",
    "ytd_status",
]
