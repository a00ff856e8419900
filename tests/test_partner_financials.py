"""The partner financials page: margins from the company's own figures, per-vehicle money with
the precision its inputs allow, and bar charts that keep their value axis. Expectations are
worked by hand on small frames."""

from __future__ import annotations

import datetime as dt
import html
import re

import polars as pl
import pytest

from hima_analytics import economics
from hima_analytics.display import charts
from hima_analytics.display.formatting import fmt_q
from hima_analytics.metrics import margins, per_vehicle_economics

D = dt.date


def _plain(markdown: str) -> str:
    """A sentence as a reader sees it: cited figures unwrapped, Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", markdown))


def _wide() -> pl.DataFrame:
    """Seres FY2022-FY2024 as published (CNY mn); only FY2023 and FY2024 have a reported margin."""
    years = [2022, 2023, 2024]
    exact = ["exact"] * 3
    return pl.DataFrame(
        {
            "company": ["SERES"] * 3,
            "period_type": ["FY"] * 3,
            "period_start": [D(y, 1, 1) for y in years],
            "period_end": [D(y, 12, 31) for y in years],
            "revenue": [34_105.0, 35_842.0, 145_176.0],
            "gross_profit": [3_581.0, 3_232.0, 37_558.0],
            "gross_margin": [None, 0.1039, 0.2615],
            "net_profit_attributable": [-3_832.0, -2_450.0, 5_946.0],
            "rd_expense": [1_314.0, 1_696.0, 5_586.0],
            "revenue_qualifier": exact,
            "gross_profit_qualifier": exact,
            "gross_margin_qualifier": [None, "exact", "exact"],
            "net_profit_attributable_qualifier": exact,
            "rd_expense_qualifier": exact,
        }
    )


def test_a_missing_reported_margin_is_computed_from_gross_profit_and_revenue():
    out = margins(_wide())
    fy22, fy23, fy24 = out.iter_rows(named=True)
    # 3,581 / 34,105 = 10.50%: the page's stated fallback, with the inputs' qualifier.
    assert fy22["gross_margin"] == pytest.approx(0.104999, abs=1e-6)
    assert fy22["gross_margin_qualifier"] == "exact"
    assert fy22["gross_margin_reported"] is None
    # FY2023: reported 10.39%, but 3,232 / 35,842 = 9.02%; both kept, the reported one shown first.
    assert fy23["gross_margin"] == 0.1039
    assert fy23["gross_margin_computed"] == pytest.approx(0.090173, abs=1e-6)
    assert fy23["gross_margin_gap"] == pytest.approx(0.1039 - 0.090173, abs=1e-6)
    # FY2024: 37,558 / 145,176 = 25.87% against 26.15% reported.
    assert fy24["gross_margin_computed"] == pytest.approx(0.258707, abs=1e-6)
    assert fy23["net_margin"] == pytest.approx(-2_450 / 35_842)


def test_margin_gaps_keep_only_differences_beyond_rounding():
    wide = _wide().with_columns(
        # FY2024 reported 25.87%: the same figure as gross profit over revenue, to rounding.
        pl.when(pl.col("period_start") == D(2024, 1, 1)).then(0.2587).otherwise("gross_margin").alias("gross_margin")
    )
    out = margins(wide)
    assert economics.margin_gaps(out)["period_start"].to_list() == [D(2023, 1, 1)]
    sentence = _plain(economics.margin_gap_sentence(out, download="margins").markdown)
    assert "FY2023 (10.4% reported, 9.0% computed)" in sentence
    assert "FY2024" not in sentence
    unreported = margins(_wide().with_columns(pl.lit(None, dtype=pl.Float64).alias("gross_margin")))
    assert economics.margin_gap_sentence(unreported, download="margins") is None


def test_a_margin_gap_between_two_sources_names_both_and_blames_neither():
    import hima_analytics as ha

    out = margins(_wide())
    fin = ha.load("financials", entity="SERES")
    sentence = html.unescape(_plain(economics.margin_gap_sentence(out, download="margins", financials=fin).markdown))
    profit_src = fin.filter(
        (pl.col("metric") == "gross_profit")
        & (pl.col("period_type") == "FY")
        & (pl.col("period_start") == D(2023, 1, 1))
    )["source_id"][0]
    publisher = ha.load("sources").filter(pl.col("source_id") == profit_src)["publisher"][0]
    assert f"from the gross profit per {publisher}" in sentence
    assert "need not share an accounting basis" in sentence and "company's own" not in sentence


def test_a_quotient_of_a_rounded_figure_is_approximate_and_keeps_the_vehicles_mark():
    h1 = {"period_start": [D(2025, 1, 1)], "period_end": [D(2025, 6, 30)]}
    money = pl.DataFrame(
        {"company": ["SERES"], **h1, "value": [20_000.0], "unit": ["CNY_mn"], "qualifier": ["rounded"]}
    )
    volume = pl.DataFrame({"company": ["SERES"], **h1, "value": [152_300.0], "qualifier": ["rounded"]})
    out = per_vehicle_economics(money, volume).row(0, named=True)
    assert out["per_vehicle_yuan"] == pytest.approx(131_319.76, abs=0.01)  # 20e9 / 152,300
    assert out["per_vehicle_yuan_qualifier"] == "about"
    assert out["vehicles_qualifier"] == "rounded"
    assert fmt_q(out["per_vehicle_yuan"], out["per_vehicle_yuan_qualifier"]) == "≈ 131,000"
    assert fmt_q(out["vehicles"], out["vehicles_qualifier"]) == "≈ 152,300"
    exact = per_vehicle_economics(
        money.with_columns(pl.lit("exact").alias("qualifier")), volume.with_columns(pl.lit("exact").alias("qualifier"))
    )
    assert exact["per_vehicle_yuan_qualifier"][0] == "exact"


def test_approximate_money_prints_three_significant_figures():
    assert fmt_q(131_319.76, "about", kind="unit", unit="CNY") == "≈ 131,000 yuan"
    assert fmt_q(131_319.76, "exact", kind="unit", unit="CNY") == "131,320 yuan"
    assert fmt_q(19_149.0, "about", kind="money", unit="CNY_mn") == "≈ 19.1 bn yuan"
    assert fmt_q(0.2893, "about", kind="unit", unit="fraction") == "≈ 28.93%"
    assert fmt_q(596_600, "rounded") == "≈ 596,600"  # a published rounded figure keeps its digits


def _financials(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema=[
            "company",
            "period_type",
            "period_start",
            "period_end",
            "metric",
            "value",
            "unit",
            "perimeter",
            "qualifier",
            "source_id",
        ],
        orient="row",
    )


def test_per_vehicle_table_sums_quarters_and_explains_what_it_cannot_pair():
    fin = _financials(
        [
            (
                "SERES",
                "H",
                D(2025, 1, 1),
                D(2025, 6, 30),
                "payments_to_huawei",
                20_000.0,
                "CNY_mn",
                "all",
                "rounded",
                "s1",
            ),
            ("SERES", "FY", D(2022, 1, 1), D(2022, 12, 31), "revenue", 34_105.0, "CNY_mn", "all", "exact", "s2"),
            ("SERES", "FY", D(2022, 1, 1), D(2022, 12, 31), "vehicle_sales", 135_054.0, "units", "nev", "exact", "s2"),
            ("SERES", "H", D(2024, 1, 1), D(2024, 6, 30), "revenue", 65_044.0, "CNY_mn", "all", "exact", "s3"),
            ("SERES", "Q", D(2024, 1, 1), D(2024, 3, 31), "vehicle_sales", 94_800.0, "units", "all", "exact", "s3"),
        ]
    )
    facts = pl.DataFrame(
        {
            "subject": ["AITO", "AITO"],
            "metric": ["deliveries", "deliveries"],
            "period_start": [D(2025, 1, 1), D(2025, 4, 1)],
            "period_end": [D(2025, 3, 31), D(2025, 6, 30)],
            "value": [45_300.0, 107_000.0],
            "qualifier": ["rounded", "exact"],
            "source_id": ["f1", "f2"],
        }
    )
    table = economics.per_vehicle_table(fin, facts, facts.head(0), company="SERES")
    fees = table.filter(pl.col("metric") == "payments_to_huawei").row(0, named=True)
    # Q1 ≈45,300 + Q2 107,000 = ≈152,300 AITO cars: the sum keeps the mark of its rounded part.
    assert (fees["vehicles"], fees["vehicles_qualifier"], fees["vehicles_basis"]) == (
        152_300.0,
        "rounded",
        "AITO deliveries",
    )
    assert fees["per_vehicle_yuan_qualifier"] == "about"
    skipped = economics.not_computed(table)
    assert sorted(skipped["reason"].to_list()) == ["perimeter", "period"]
    sentence = _plain(economics.not_computed_sentence(table).markdown)
    assert sentence == (
        "No per-vehicle figure is given for 2 more amounts: revenue FY2022, whose only vehicle count for the "
        "period (NEV sales) covers other cars than the money (all vehicle sales); and revenue H1 2024, for which "
        "no vehicle count covers exactly the period."
    )
    assert economics.not_computed_sentence(table.filter(pl.col("per_vehicle_yuan").is_not_null())) is None


def test_bars_of_published_figures_only_have_no_empty_legend():
    frame = pl.DataFrame(
        {
            "period_start": [D(2024, 1, 1), D(2024, 7, 1)],
            "value": [26_561.0, 41_582.0],
            "qualifier": ["exact", "exact"],
            "source_id": ["a", "a"],
        }
    )
    enc = charts.bars(frame, x="period_start", y="value", period_type="Q", unit="CNY_mn", title="t").to_dict()[
        "encoding"
    ]
    # An empty legend gives Vega infinite bounds and the value axis is drawn off the page.
    assert enc["fillOpacity"]["legend"] is None and enc["strokeDash"]["legend"] is None
    assert enc["y"]["axis"]["format"] == ",.0f"
    bound = frame.with_columns(pl.Series("qualifier", ["exact", "over"]))
    enc = charts.bars(bound, x="period_start", y="value", period_type="Q", title="t").to_dict()["encoding"]
    assert enc["fillOpacity"]["legend"]["values"] == ["over"]


def test_the_fee_per_vehicle_states_its_assumption_and_quotes_the_published_figure():
    import hima_analytics as ha
    from hima_analytics.narrative import per_vehicle_fact

    fin, facts, volumes = ha.load("financials", entity="SERES"), ha.load("facts"), ha.load("volumes")
    table = economics.per_vehicle_table(fin, facts, volumes, company="SERES")
    sentence = html.unescape(
        _plain(
            per_vehicle_fact(
                table, download="pv", metric="payments_to_huawei", label="Payments to Huawei", published=facts
            ).markdown
        )
    )
    published = facts.filter(pl.col("metric") == "payments_to_huawei_per_vehicle").row(0, named=True)
    assert "the cars the fees are taken to be paid on" in sentence
    assert f"A published figure for the same period is {fmt_q(published['value'], published['qualifier'])} yuan" in (
        sentence
    )
