"""Margins, per-vehicle economics and competition metrics on tiny frames."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from hima_analytics.errors import MixedSeriesError
from hima_analytics.metrics import (
    concentration,
    gross_margin,
    net_margin,
    per_vehicle,
    per_vehicle_economics,
    rd_intensity,
    share_change_contributions,
    share_of_denominator,
    share_of_total,
    wide_financials,
)

D = dt.date
H1 = dict(period_type=["H"], period_start=[D(2025, 1, 1)], period_end=[D(2025, 6, 30)])


def test_margins_by_hand():
    df = pl.DataFrame(
        {
            "revenue": [624.0, 0.0],
            "gross_profit": [180.3, 5.0],
            "cost_of_sales": [443.7, 1.0],
            "net_profit_attributable": [29.6, 1.0],
            "rd_expense": [31.2, 1.0],
        }
    )
    out = df.select(
        gross_margin().alias("gm"),
        gross_margin(cost_of_sales="cost_of_sales", gross_profit=None).alias("gm2"),
        net_margin().alias("nm"),
        rd_intensity().alias("rd"),
    )
    assert out["gm"].to_list() == [pytest.approx(0.288942, abs=1e-6), None]
    assert out["gm2"].to_list() == [pytest.approx(0.288942, abs=1e-6), None]
    assert out["nm"][0] == pytest.approx(29.6 / 624)
    assert out["rd"][0] == pytest.approx(0.05)


def test_seed_140k_yuan_per_vehicle_needs_about_143k_vehicles():
    # Seed 004: 20 bn yuan to Huawei in H1 2025, "about 140,000 yuan per vehicle".
    out = pl.DataFrame({"fees": [20_000.0], "units": [142_857]}).select(per_vehicle(amount="fees", units="units"))
    assert out["per_vehicle_yuan"][0] == pytest.approx(140_000, rel=1e-5)


def test_expression_builders_name_their_output_and_keep_their_inputs():
    df = pl.DataFrame(
        {"revenue": [100.0], "gross_profit": [25.0], "rd_expense": [5.0], "net_profit_attributable": [2.0]}
    )
    out = df.with_columns(gross_margin(), rd_intensity(), net_margin())
    assert out.columns == [
        "revenue",
        "gross_profit",
        "rd_expense",
        "net_profit_attributable",
        "gross_margin",
        "rd_intensity",
        "net_margin",
    ]
    assert out.row(0) == (100.0, 25.0, 5.0, 2.0, 0.25, 0.05, 0.02)


def test_per_vehicle_economics_flags_period_and_perimeter():
    money = pl.DataFrame(
        {
            "company": ["SERES", "SERES"],
            "period_type": ["H", "Q"],
            "period_start": [D(2025, 1, 1), D(2025, 7, 1)],
            "period_end": [D(2025, 6, 30), D(2025, 9, 30)],
            "value": [20_000.0, 9_000.0],
            "unit": ["CNY_mn", "CNY_mn"],
        }
    )
    volume = pl.DataFrame(
        {
            "company": ["SERES", "SERES"],
            "period_start": [D(2025, 1, 1), D(2025, 7, 1)],
            "period_end": [D(2025, 6, 30), D(2025, 7, 31)],
            "value": [160_000, 40_000],
        }
    )
    out = per_vehicle_economics(money, volume)
    assert out["per_vehicle_yuan"].to_list() == [pytest.approx(125_000.0), None]
    assert out["flag"].to_list() == [None, "period mismatch: money ends 2025-09-30, volume ends 2025-07-31"]
    nev = volume.with_columns(pl.lit("nev").alias("perimeter"))
    flagged = per_vehicle_economics(money, nev)
    assert flagged["flag"][0] == "perimeter mismatch: money covers all of SERES, vehicles cover nev only"
    assert flagged["per_vehicle_yuan"][0] is None  # not computed: the two cover different things
    same = per_vehicle_economics(money.with_columns(pl.lit("nev").alias("perimeter")), nev)
    assert same["per_vehicle_yuan"][0] == pytest.approx(125_000.0) and same["flag"][0] is None
    none = per_vehicle_economics(money, volume.head(0))
    assert none["flag"].to_list() == ["no volume for this period"] * 2


def test_per_vehicle_economics_rejects_non_money():
    money = pl.DataFrame({"company": ["S"], **H1, "value": [0.3], "unit": ["fraction"]})
    vol = pl.DataFrame({"company": ["S"], **H1, "value": [1]})
    with pytest.raises(ValueError, match="not money"):
        per_vehicle_economics(money, vol)


def test_wide_financials_pivots_one_row_per_period():
    long = pl.DataFrame(
        {
            "company": ["S"] * 3,
            "period_type": ["FY"] * 3,
            "period_start": [D(2024, 1, 1)] * 3,
            "period_end": [D(2024, 12, 31)] * 3,
            "metric": ["revenue", "gross_profit", "gross_margin"],
            "value": [100.0, 25.0, 0.25],
            "unit": ["CNY_mn", "CNY_mn", "fraction"],
        }
    )
    wide = wide_financials(long)
    assert wide.select("revenue", "gross_profit", "gross_margin").row(0) == (100.0, 25.0, 0.25)


def test_share_of_total_and_hhi():
    df = pl.DataFrame(
        {"month": [D(2025, 6, 1)] * 3, "entity": ["AITO", "LUXEED", "STELATO"], "value": [44_836, 3_696, 4_215]}
    )
    shares = share_of_total(df, period="month")["share"]
    assert shares.sum() == pytest.approx(1.0)
    c = concentration(df)
    expected = sum((v / 52_747) ** 2 for v in (44_836, 3_696, 4_215))
    assert c["hhi"][0] == pytest.approx(expected)
    assert c["top1_entity"][0] == "AITO" and c["top1_share"][0] == pytest.approx(44_836 / 52_747)


def test_shares_never_pool_measures_and_a_missing_part_makes_them_null():
    # Luxeed's February wholesale must not become 100% of a "total" of one.
    df = pl.DataFrame(
        {
            "month": [D(2026, 2, 1), D(2025, 2, 1), D(2025, 2, 1)],
            "entity": ["LUXEED", "LUXEED", "AITO"],
            "measure": ["wholesale", "deliveries", "deliveries"],
            "value": [945, 9_580, 11_315],
        }
    )
    out = share_of_total(df).sort("month", "entity")
    assert out["share"].to_list() == [pytest.approx(11_315 / 20_895), pytest.approx(9_580 / 20_895), None]
    with pytest.raises(MixedSeriesError, match="measure"):
        share_of_denominator(df, pl.DataFrame({"month": [D(2025, 2, 1)], "value": [1]}), label="x")


def test_a_share_of_a_lower_bound_is_a_lower_bound():
    df = pl.DataFrame(
        {
            "month": [D(2025, 10, 1)] * 2,
            "entity": ["AITO", "LUXEED"],
            "value": [40_000, 10_000],
            "qualifier": ["exact", "over"],
        }
    )
    out = share_of_total(df).sort("entity")
    assert out["share_qualifier"].to_list() == ["under", "over"]
    assert concentration(df)["hhi"][0] is None  # an HHI of bounds is not a bound


def test_share_of_a_declared_denominator_and_missing_months():
    parts = pl.DataFrame({"entity": ["HIMA"] * 2, "month": [D(2025, 5, 1), D(2025, 6, 1)], "value": [44_000, 52_747]})
    market = pl.DataFrame({"month": [D(2025, 6, 1)], "value": [1_111_000]})
    out = share_of_denominator(parts, market, label="NEV retail (CPCA)")
    assert out["share"].to_list() == [None, pytest.approx(52_747 / 1_111_000)]
    assert set(out["denominator"]) == {"NEV retail (CPCA)"}


def test_share_change_contributions_sum_to_the_change():
    a, b = D(2024, 11, 1), D(2025, 11, 1)
    df = pl.DataFrame(
        {
            "month": [a] * 3 + [b] * 3,
            "entity": ["AITO", "LUXEED", "STELATO"] * 2,
            "value": [40_000, 3_000, 2_000, 50_000, 20_000, 9_000],
        }
    )
    out = share_change_contributions(df, target="AITO", start=a, end=b)
    change = 50_000 / 79_000 - 40_000 / 45_000
    assert out["contribution"].sum() == pytest.approx(change)
    assert out.filter(pl.col("entity") == "LUXEED")["contribution"][0] < 0


def test_share_change_refuses_to_treat_missing_as_zero():
    a, b = D(2024, 1, 1), D(2025, 1, 1)
    df = pl.DataFrame({"month": [a, b, b], "entity": ["AITO", "AITO", "MAEXTRO"], "value": [10, 10, 5]})
    with pytest.raises(ValueError, match="missing month is unknown, not zero"):
        share_change_contributions(df, target="AITO", start=a, end=b)
