"""Brand-page sentences: events newest first, and rivals compared on like months."""

from __future__ import annotations

import datetime as dt

import polars as pl

from hima_analytics import metrics as hm
from hima_analytics.narrative import events_in_window, nearest_rivals
from tests.test_league import plain

D = dt.date


def test_events_are_listed_newest_first_with_milestones_and_price_moves():
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
        "Latest launches, milestones and price moves on record, newest first: 1,000,000th vehicle (13 Jan 2026), "
        "M8 BEV launched (25 Aug 2025) and Price cut (1 May 2024)."
    )
    assert events_in_window(events, start=D(2020, 1, 1), end=D(2020, 12, 1)) is None


def test_nearest_rivals_are_compared_on_like_recent_months_and_a_bound_only_rival_is_named_as_not_ranked():
    months = [D(2025, m, 1) for m in range(1, 13)]
    me = pl.DataFrame({"month": months, "entity": "LUXEED", "value": [6_000] * 12, "qualifier": "exact"})
    peers = pl.DataFrame(
        {
            "month": months * 3,
            "entity": ["BIG"] * 12 + ["NEAR"] * 12 + ["BOUND"] * 12,
            "value": [40_000] * 12 + [None] * 9 + [7_000, 5_000, 6_500] + [6_000] * 12,
            "qualifier": ["exact"] * 24 + ["over"] * 12,
        }
    )
    nearest = hm.nearest_in_size(me, peers, k=2)
    # NEAR published only Oct-Dec, still 3 like months; BOUND's "over 6,000" figures are not points, so it is
    # not ranked, but it is not dropped either: "over 6,000" could be nearer than both.
    assert nearest.select("entity", "common_months", "median", "subject_median", "ranked").rows() == [
        ("NEAR", 3, 6_500.0, 6_000.0, True),
        ("BIG", 12, 40_000.0, 6_000.0, True),
        ("BOUND", 12, 6_000.0, 6_000.0, False),
    ]
    assert plain(nearest_rivals(nearest, entity="LUXEED")) == (
        "Nearest rivals in size, each compared on the months it and 智界 Luxeed both published in the 12 months "
        "to Dec 2025: NEAR (median 6,500 against 6,000, in 3 common months) and BIG (median 40,000 against 6,000, "
        "in 12 common months). BOUND (median > 6,000 against 6,000, in 12 common months: all lower bounds) is not "
        "ranked: it published bounds rather than point figures in those months, so its place among them is not known."
    )
    only = nearest_rivals(hm.nearest_in_size(me, peers.filter(pl.col("entity") == "BOUND")), entity="LUXEED")
    assert plain(only) == (
        "No rival can be ranked by size against 智界 Luxeed on the months both published in the 12 months to Dec "
        "2025: BOUND (median > 6,000 against 6,000, in 12 common months: all lower bounds) published bounds rather "
        "than point figures in those months, so how its size compares with 智界 Luxeed's is not known."
    )
    # Luxeed's case: two point figures in its window, and its three bounds all come later.
    sparse = pl.DataFrame(
        {
            "month": [D(2025, 2, 1), D(2025, 6, 1), D(2025, 10, 1), D(2025, 11, 1), D(2026, 1, 1)],
            "entity": "LUXEED",
            "value": [9_580, 2_995, 10_000, 10_000, 4_500],
            "qualifier": ["exact", "exact", "over", "over", "over"],
        }
    )
    empty = hm.nearest_in_size(sparse, peers)
    assert empty.is_empty()
    assert plain(nearest_rivals(empty, entity="LUXEED", subject=sparse)) == (
        "No rival is compared: in the 12 months to Jun 2025, its latest month with a point figure, 智界 Luxeed "
        "published 2 point figures, fewer than the 3 like months a comparison needs; its 3 later figures "
        "(Oct–Nov 2025, Jan 2026) are bounds, which are not compared."
    )


def test_a_bound_inside_the_window_is_counted_there_and_none_outside_it():
    sparse = pl.DataFrame(
        {
            "month": [D(2025, 2, 1), D(2025, 4, 1), D(2025, 6, 1)],
            "entity": "LUXEED",
            "value": [9_580, 5_000, 2_995],
            "qualifier": ["exact", "over", "exact"],
        }
    )
    sentence = plain(nearest_rivals(hm.nearest_in_size(sparse, sparse.head(0)), entity="LUXEED", subject=sparse))
    assert sentence == (
        "No rival is compared: in the 12 months to Jun 2025, its latest month with a point figure, 智界 Luxeed "
        "published 2 point figures and 1 bound, which is not compared, fewer than the 3 like months a comparison "
        "needs."
    )


def test_a_bound_only_rival_that_is_certainly_farther_than_the_ranked_ones_is_left_out():
    months = [D(2025, m, 1) for m in range(1, 7)]
    me = pl.DataFrame({"month": months, "entity": "AITO", "value": [40_000] * 6, "qualifier": "exact"})
    peers = pl.DataFrame(
        {
            "month": months * 2,
            "entity": ["NEAR"] * 6 + ["GIANT"] * 6,
            "value": [38_000] * 6 + [200_000] * 6,
            "qualifier": ["exact"] * 6 + ["over"] * 6,
        }
    )
    # "over 200,000" is at least ln(5) away, farther than NEAR: it cannot be the nearest, whatever its figure.
    assert hm.nearest_in_size(me, peers, k=1)["entity"].to_list() == ["NEAR"]
    # With room for two, it is listed as not ranked, its least distance ln(200,000 / 40,000).
    both = hm.nearest_in_size(me, peers, k=2)
    assert both.select("entity", "ranked").rows() == [("NEAR", True), ("GIANT", False)]
    assert abs(both["distance"][1] - 1.6094) < 1e-3


def test_the_latest_month_sentence_leads_with_the_latest_firm_figure():
    from hima_analytics.narrative import latest_month

    trend = hm.yoy(
        hm.mom(
            pl.DataFrame(
                {
                    "entity": "AITO",
                    "month": [D(2025, 11, 1), D(2026, 1, 1), D(2026, 2, 1)],
                    "value": [51_677, 40_016, 18_000],
                    "qualifier": ["exact", "exact", "about"],
                }
            ).pipe(hm.complete_months)
        )
    )
    assert plain(latest_month(trend, download="t", entity="AITO")) == (
        "**问界 AITO delivered 40,016 vehicles in Jan 2026**: neither Dec 2025 nor Jan 2025 has a figure to compare "
        "with. An approximate figure for Feb 2026 puts it at ≈ 18,000."
    )


def test_year_to_date_says_nothing_in_january_and_lists_missing_months_as_runs():
    from hima_analytics.narrative import ytd_status

    def trend(months, values):
        df = pl.DataFrame({"entity": "STELATO", "month": months, "value": values, "qualifier": "exact"})
        return hm.yoy(
            hm.ytd(hm.complete_months(df, start=D(2025, 1, 1))), value="ytd", name="ytd_yoy", qualifier="ytd_qualifier"
        )

    assert ytd_status(trend([D(2026, 1, 1)], [900]), download="t", entity="STELATO") is None
    sentence = ytd_status(trend([D(2025, 11, 1)], [6_000]), download="t", entity="STELATO")
    assert plain(sentence) == "The year-to-date total for 2025 is unknown: Jan–Oct 2025 were not published."


def test_the_record_summary_counts_in_the_right_number():
    from hima_analytics.narrative import record_summary

    one = pl.DataFrame({"month": [D(2025, 11, 1)], "value": [6_000]})
    five = pl.DataFrame({"month": [D(2025, m, 1) for m in range(1, 6)], "value": [1, 2, 3, 4, 5]})
    sentence = record_summary(
        entity="STELATO",
        months=one,
        months_download="a",
        models=five,
        models_download="b",
        facts=one,
        facts_download="c",
    )
    assert plain(sentence) == (
        "The record for 享界 Stelato holds 1 monthly brand figure, 5 model figures and 1 single figure "
        "(cumulative totals, milestones, targets)."
    )
