"""Growth metrics against hand-computed values, including figures from the seed articles."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from hima_analytics.metrics import cagr, growth_rate, hoh, mom, qoq, trailing_sum, ttm, yoy

D = dt.date


def monthly(values: dict[tuple[int, int], int | None], entity: str = "HIMA") -> pl.DataFrame:
    return pl.DataFrame(
        {"entity": [entity] * len(values), "month": [D(y, m, 1) for y, m in values], "value": list(values.values())},
        schema_overrides={"value": pl.Int64},
    )


def test_seres_2024_revenue_growth_implies_a_2023_base_of_35_84_bn():
    # Seed 002: 2024 revenue 145.176 bn yuan, up 305.04%  ->  base = 145.176 / 4.0504
    base = 145_176 / (1 + 3.0504)
    assert base == pytest.approx(35_842, abs=1)
    df = pl.DataFrame(
        {
            "company": ["SERES"] * 2,
            "metric": ["revenue"] * 2,
            "period_type": ["FY"] * 2,
            "period_start": [D(2023, 1, 1), D(2024, 1, 1)],
            "value": [base, 145_176.0],
        }
    )
    out = yoy(df, period="period_start", by=["company", "metric"])
    assert out["yoy"].to_list()[1] == pytest.approx(3.0504, abs=1e-9)


def test_yoy_matches_by_period_key_not_by_row_position():
    # 2024-02 is missing: a row shift would compare 2025-03 with 2024-03's neighbour.
    df = monthly({(2024, 1): 100, (2024, 3): 200, (2025, 1): 150, (2025, 2): 90, (2025, 3): 300})
    out = yoy(df)
    got = dict(zip(out["month"].to_list(), out["yoy"].to_list()))
    assert got[D(2025, 1, 1)] == pytest.approx(0.5)
    assert got[D(2025, 2, 1)] is None  # no 2024-02
    assert got[D(2025, 3, 1)] == pytest.approx(0.5)


def test_growth_from_zero_or_negative_base_is_null_never_inf():
    df = pl.DataFrame(
        {
            "company": ["S"] * 3,
            "metric": ["net"] * 3,
            "period_type": ["FY"] * 3,
            "period_start": [D(2022, 1, 1), D(2023, 1, 1), D(2024, 1, 1)],
            "value": [0.0, -2450.0, 5946.0],
        }
    )
    out = yoy(df, period="period_start", by=["company", "metric"])
    assert out["yoy"].to_list() == [None, None, None]


def test_mom_qoq_hoh():
    m = mom(monthly({(2025, 5): 40_000, (2025, 6): 52_747}))
    assert m["mom"][1] == pytest.approx(52_747 / 40_000 - 1)
    q = pl.DataFrame(
        {
            "company": ["S"] * 3,
            "metric": ["revenue"] * 3,
            "period_type": ["Q"] * 3,
            "period_start": [D(2024, 10, 1), D(2025, 1, 1), D(2025, 7, 1)],
            "value": [100.0, 80.0, 90.0],
        }
    )
    assert qoq(q)["qoq"].to_list() == [None, pytest.approx(-0.2), None]  # Q2 2025 missing -> Q3 null
    h = q.with_columns(pl.lit("H").alias("period_type")).filter(pl.col("period_start") != D(2024, 10, 1))
    assert hoh(h)["hoh"].to_list() == [None, pytest.approx(90 / 80 - 1)]


def test_period_types_are_never_mixed():
    df = pl.DataFrame(
        {
            "company": ["S"] * 2,
            "metric": ["revenue"] * 2,
            "period_type": ["Q", "H"],
            "period_start": [D(2024, 1, 1), D(2025, 1, 1)],
            "value": [1.0, 2.0],
        }
    )
    with pytest.raises(ValueError, match="period types \\['H', 'Q'\\] are mixed"):
        yoy(df, period="period_start", by=["company", "metric"])


def test_duplicate_keys_are_rejected_with_a_hint():
    df = monthly({(2025, 1): 1}).vstack(monthly({(2025, 1): 2}))
    with pytest.raises(ValueError, match="duplicate key"):
        mom(df)


def test_missing_column_names_what_is_available():
    with pytest.raises(ValueError, match="missing column\\(s\\) \\['valeu'\\]"):
        mom(monthly({(2025, 1): 1}), value="valeu")


def test_ttm_needs_four_consecutive_quarters():
    starts = [D(2024, 1, 1), D(2024, 4, 1), D(2024, 7, 1), D(2024, 10, 1), D(2025, 4, 1)]
    df = pl.DataFrame(
        {
            "company": ["S"] * 5,
            "metric": ["revenue"] * 5,
            "period_type": ["Q"] * 5,
            "period_start": starts,
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    assert ttm(df)["ttm"].to_list() == [None, None, None, 10.0, None]  # Q1 2025 missing


def test_trailing_sum_counts_nulls_as_missing():
    df = monthly({(2025, 1): 1, (2025, 2): None, (2025, 3): 3, (2025, 4): 4, (2025, 5): 5})
    assert trailing_sum(df, window=3)["sum_3m"].to_list() == [None, None, None, None, 12]


def test_growth_rate_and_cagr():
    out = pl.DataFrame({"a": [100.0, 0.0, 100.0], "b": [150.0, 10.0, -1.0]}).select(
        growth_rate("b", "a").alias("g"), cagr("a", "b", 2).alias("c")
    )
    assert out["g"].to_list() == [pytest.approx(0.5), None, pytest.approx(-1.01)]
    assert out["c"].to_list() == [pytest.approx(1.5**0.5 - 1), None, None]
