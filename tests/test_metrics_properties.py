"""Metamorphic properties: shares sum to one, constant series do not grow, row order does not
matter, and scaling revenue and cost together leaves margins unchanged."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hima_analytics.metrics import concentration, gross_margin, rolling_sum, share_of_total, yoy, ytd

settings.register_profile("repeatable", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("repeatable")

volumes = st.lists(st.integers(min_value=0, max_value=200_000), min_size=2, max_size=8)


@given(volumes)
def test_shares_of_a_whole_sum_to_one(values):
    df = pl.DataFrame(
        {"month": [dt.date(2025, 1, 1)] * len(values), "entity": [f"B{i}" for i in range(len(values))], "value": values}
    )
    shares = share_of_total(df, period="month")["share"]
    if sum(values) == 0:
        assert shares.null_count() == len(values)
    else:
        assert shares.sum() == pytest.approx(1.0)
        assert concentration(df)["hhi"][0] == pytest.approx(float((shares**2).sum()))


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=13, max_value=40))
def test_a_constant_series_has_zero_growth(level, n):
    months = pl.date_range(
        dt.date(2022, 1, 1), dt.date(2022, 1, 1) + dt.timedelta(days=31 * (n - 1)), "1mo", eager=True
    )
    df = pl.DataFrame({"entity": "A", "month": months, "value": [level] * len(months)})
    out = yoy(df)["yoy"].drop_nulls()
    assert len(out) == len(months) - 12
    assert (out == 0).all()


@given(st.permutations(list(range(24))), st.lists(st.integers(0, 9_999), min_size=24, max_size=24))
def test_shuffling_rows_changes_nothing(order, values):
    months = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(24)]
    df = pl.DataFrame({"entity": ["A"] * 12 + ["B"] * 12, "month": months[:12] * 2, "value": values})
    shuffled = df[list(order)]
    for f in (yoy, ytd, lambda d: rolling_sum(d, window=3)):
        assert f(shuffled).equals(f(df))


@given(st.floats(1.0, 1e6), st.floats(0.0, 1e6), st.floats(0.01, 1000.0))
def test_scaling_revenue_and_cost_leaves_the_margin_unchanged(revenue, cost, k):
    base = pl.DataFrame({"revenue": [revenue], "cost": [cost]})
    scaled = base.select(pl.all() * k)
    m1 = base.select(gross_margin(cost_of_sales="cost", gross_profit=None))["gross_margin"][0]
    m2 = scaled.select(gross_margin(cost_of_sales="cost", gross_profit=None))["gross_margin"][0]
    assert m2 == pytest.approx(m1, rel=1e-9, abs=1e-12)
