"""Delivery trend metrics and the missing-data policy."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from hima_analytics.metrics import (
    complete_months,
    cumulative,
    missing_months,
    months_since_launch,
    peak_month,
    rolling_mean,
    rolling_sum,
    run_rate,
    ytd,
)

D = dt.date


def frame(rows):
    return pl.DataFrame(rows, schema=["entity", "month", "value"], orient="row", schema_overrides={"value": pl.Int64})


def test_complete_months_makes_gaps_explicit_and_never_fills():
    df = frame([("AITO", D(2025, 1, 1), 10), ("AITO", D(2025, 4, 1), 40), ("LUXEED", D(2025, 2, 1), 5)])
    full = complete_months(df, start=D(2025, 1, 1), end=D(2025, 4, 1))
    assert full.height == 8
    assert full.filter(pl.col("entity") == "AITO")["value"].to_list() == [10, None, None, 40]
    assert full.filter(pl.col("entity") == "LUXEED")["value"].to_list() == [None, 5, None, None]
    gaps = missing_months(df, start=D(2025, 1, 1), end=D(2025, 4, 1))
    assert gaps.filter(pl.col("entity") == "AITO")["month"].to_list() == [D(2025, 2, 1), D(2025, 3, 1)]


def test_rolling_windows_3_6_12():
    df = frame([("A", D(2024, m, 1), m) for m in range(1, 13)])
    assert rolling_sum(df, window=3)["sum_3m"].to_list()[2:4] == [6, 9]
    assert rolling_sum(df, window=6)["sum_6m"].to_list()[5] == 21
    assert rolling_sum(df, window=12)["sum_12m"].to_list() == [None] * 11 + [78]
    assert rolling_mean(df, window=3)["mean_3m"][11] == pytest.approx(11.0)
    assert run_rate(df, window=3)["run_rate"][11] == pytest.approx(132.0)


def test_a_mean_with_a_bound_and_an_about_figure_is_not_a_bound():
    """ "over 57,000", 40,016 and "about 18,000": at 17,500 the mean is 38,172, so no floor is
    certain; with a rounded figure instead, the lower bound stands."""
    months = [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    df = pl.DataFrame(
        {
            "entity": ["AITO"] * 3,
            "month": months,
            "value": [57_000, 40_016, 18_000],
            "qualifier": ["over", "exact", "about"],
        }
    )
    last = rolling_mean(df, window=3).row(2, named=True)
    assert last["mean_3m"] is None and last["mean_3m_qualifier"] is None
    rounded = rolling_mean(df.with_columns(pl.Series("qualifier", ["over", "exact", "rounded"])), window=3).row(
        2, named=True
    )
    assert rounded["mean_3m_qualifier"] == "over" and rounded["mean_3m"] == pytest.approx(115_016 / 3)


def test_ytd_resets_each_january_and_stops_at_a_gap():
    df = frame(
        [
            ("A", D(2024, 11, 1), 5),
            ("A", D(2024, 12, 1), 5),
            ("A", D(2025, 1, 1), 1),
            ("A", D(2025, 2, 1), 2),
            ("A", D(2025, 4, 1), 4),
        ]
    )
    assert ytd(df)["ytd"].to_list() == [None, None, 1, 3, None]  # 2024 lacks Jan-Oct


def test_cumulative_since_launch_and_ramp_months():
    df = frame(
        [
            ("M8", D(2025, 4, 1), 100),
            ("M8", D(2025, 5, 1), 200),
            ("M8", D(2025, 6, 1), 300),
            ("M9", D(2024, 2, 1), 50),
            ("M9", D(2024, 4, 1), 70),
        ]
    )
    out = months_since_launch(cumulative(df))
    m8 = out.filter(pl.col("entity") == "M8")
    assert m8["cumulative"].to_list() == [100, 300, 600]
    assert m8["months_since_launch"].to_list() == [0, 1, 2]
    assert out.filter(pl.col("entity") == "M9")["cumulative"].to_list() == [50, None]


def test_months_since_a_declared_launch_date():
    df = frame([("M9", D(2024, 2, 1), 50)]).with_columns(pl.lit(D(2023, 12, 26)).alias("launch"))
    assert months_since_launch(df, launch="launch")["months_since_launch"].to_list() == [2]


def test_peak_month_takes_the_earliest_of_ties():
    df = frame([("A", D(2025, 1, 1), 5), ("A", D(2025, 2, 1), 9), ("A", D(2025, 3, 1), 9), ("B", D(2025, 1, 1), None)])
    out = peak_month(df)
    assert out.rows() == [("A", D(2025, 2, 1), 9)]
