"""The events sentence lists the newest events first, milestones included, and says so."""

from __future__ import annotations

import datetime as dt

import polars as pl

from hima_analytics.narrative import events_in_window
from tests.test_league import plain

D = dt.date


def test_events_are_listed_newest_first_with_milestones():
    events = pl.DataFrame(
        {
            "date": [D(2023, 9, 12), D(2025, 8, 25), D(2026, 1, 13), D(2023, 12, 1), D(2024, 5, 1)],
            "date_precision": ["day", "day", "day", "month", "day"],
            "event_type": ["launch", "launch", "milestone", "launch", "price_cut"],
            "description": ["New M7 launched", "M8 BEV launched", "1,000,000th vehicle", "M9 announced", "Price cut"],
        }
    )
    sentence = events_in_window(events, start=D(2023, 1, 1), end=D(2026, 2, 1), limit=3)
    assert plain(sentence) == (
        "Latest events on record, newest first: 1,000,000th vehicle (13 Jan 2026), "
        "M8 BEV launched (25 Aug 2025) and M9 announced (Dec 2023)."
    )
    assert events_in_window(events, start=D(2020, 1, 1), end=D(2020, 12, 1)) is None
