"""Full years from every published total, rank changes on like sets, lone figures, and targets
set against the measure they are worded in (with ranges, closed years and Chinese New Year)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import polars as pl
import pytest
from league_frames import deliveries_frame, facts_frame
from report_checks import plain

from hima_analytics import display as hd
from hima_analytics import league
from hima_analytics import metrics as hm
from hima_analytics.display.targets import target_subtitle
from hima_analytics.narrative.competition import brands_before_alliance, leader, month_leader, target_status

D = dt.date
FY2022 = (D(2022, 1, 1), D(2022, 12, 31))
FY2024 = (D(2024, 1, 1), D(2024, 12, 31))

ENTITIES = pl.DataFrame(
    {
        "entity": ["HIMA", "AITO", "AITO_M5", "LI_AUTO", "NIO_INC", "XPENG", "ZEEKR", "LEAPMOTOR"],
        "level": ["alliance", "brand", "model", "brand", "group", "brand", "brand", "brand"],
        "parent": [None, "HIMA", "AITO", None, None, None, None, None],
        "company": [None, "SERES", "SERES", "LI_AUTO_INC", "NIO_INC", "XPENG_INC", None, "LEAPMOTOR_INC"],
        "first_delivery_date": [None, None, D(2022, 3, 1), None, None, None, None, None],
    }
)
# One month each, so every maker has a delivery series (the table lists only those that publish).
VOLUMES = deliveries_frame(
    [
        ("HIMA", D(2024, 4, 1), 29_632),
        ("AITO", D(2022, 3, 1), 1_000),
        ("LI_AUTO", D(2022, 12, 1), 21_233),
        ("NIO_INC", D(2022, 12, 1), 15_815),
        ("XPENG", D(2022, 12, 1), 11_292),
        ("ZEEKR", D(2022, 12, 1), 11_157),
        ("LEAPMOTOR", D(2024, 12, 1), 42_517),
    ]
)


def _results(rows: list[tuple]) -> pl.DataFrame:
    """The makers' results (financials, metric deliveries) from ``(company, start, end, value, qualifier)``."""
    return pl.DataFrame(
        [
            {
                "company": c,
                "period_type": "Q",
                "period_start": a,
                "period_end": b,
                "metric": "deliveries",
                "value": float(v),
                "perimeter": "all",
                "qualifier": q,
                "source_id": f"r-{c}-{a}",
            }
            for c, a, b, v, q in rows
        ]
    )


def _quarters(company: str, year: int, values: list[int]) -> list[tuple]:
    ends = [D(year, 3, 31), D(year, 6, 30), D(year, 9, 30), D(year, 12, 31)]
    return [(company, D(year, 3 * i + 1, 1), ends[i], v, "exact") for i, v in enumerate(values)]


FACTS = facts_frame(
    [
        ("AITO", "deliveries", D(2022, 3, 1), D(2022, 12, 31), 76_180, "exact", "scmp"),
        ("ZEEKR", "deliveries", *FY2022, 71_941, "exact", "geely"),
        ("NIO_INC", "deliveries", D(2022, 1, 1), D(2022, 11, 30), 106_671, "exact", "tmt"),
        ("LI_AUTO", "deliveries", D(2022, 1, 1), D(2022, 11, 30), 112_000, "rounded", "tmt"),
        ("LEAPMOTOR", "deliveries", *FY2024, 293_700, "over", "bloomberg"),
        ("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "gnw"),
        ("LEAPMOTOR", "deliveries", D(2024, 1, 1), D(2024, 9, 30), 172_861, "exact", "xinhua"),
    ]
)
RESULTS = pl.concat(
    [
        _results(
            [("LI_AUTO_INC", *FY2022, 133_246, "exact")]
            + _quarters("NIO_INC", 2022, [25_768, 25_059, 31_607, 40_052])
            + [("XPENG_INC", D(2022, 1, 1), D(2022, 6, 30), 68_983, "exact")]
            + _quarters("XPENG_INC", 2022, [34_561, 34_422, 29_570, 22_204])[2:]
            + [
                ("LEAPMOTOR_INC", *FY2024, 294_000, "rounded"),
                ("LEAPMOTOR_INC", D(2024, 10, 1), D(2024, 12, 31), 120_863, "exact"),
            ]
        )
    ]
)


def _year(table: pl.DataFrame, year: int, group: str = "Maker") -> list[tuple]:
    return table.filter((pl.col("year") == year) & (pl.col("group") == group)).select("entity", "value", "rank").rows()


# ---------------------------------------------------------------- full years (A W1, A M3)


def test_a_full_year_comes_from_results_and_from_published_periods_laid_end_to_end():
    totals = {
        (r["entity"], r["year"]): (r["value"], r["qualifier"], r["basis"])
        for r in league.annual_totals(VOLUMES, FACTS, ENTITIES, RESULTS).iter_rows(named=True)
    }
    # Li Auto: the results' FY2022 total; NIO: Jan-Nov and December (= the four published quarters);
    # XPeng: H1, Q3 and Q4 of its results.
    assert totals[("LI_AUTO", 2022)] == (133_246.0, "exact", "published annual total")
    assert totals[("NIO_INC", 2022)] == (122_486.0, "exact", "sum of published totals for Jan–Nov and Dec")
    assert 25_768 + 25_059 + 31_607 + 40_052 == 122_486
    assert totals[("XPENG", 2022)] == (120_757.0, "exact", "sum of published totals for H1, Q3 and Q4")
    # Leapmotor 2024: an exact Jan-Sep plus an exact Q4 stands before "> 293,700" and "≈ 294,000".
    assert totals[("LEAPMOTOR", 2024)] == (293_724.0, "exact", "sum of published totals for Jan–Sep and Q4")
    # Without the results, Li Auto's Jan-Nov is rounded and its December exact: a rounded sum.
    no_results = league.annual_totals(VOLUMES, FACTS, ENTITIES)
    li = no_results.filter((pl.col("entity") == "LI_AUTO") & (pl.col("year") == 2022)).row(0, named=True)
    assert (li["value"], li["qualifier"]) == (133_233.0, "rounded")


def test_a_sum_never_leaves_a_month_out_nor_counts_one_twice():
    facts = facts_frame(
        [
            ("LEAPMOTOR", "deliveries", D(2023, 1, 1), D(2023, 9, 30), 100_000, "exact", "a"),
            ("LEAPMOTOR", "deliveries", D(2023, 7, 1), D(2023, 9, 30), 40_000, "exact", "b"),  # inside Jan-Sep
        ]
    )
    months = deliveries_frame([("LEAPMOTOR", D(2023, 11, 1), 15_000), ("LEAPMOTOR", D(2023, 12, 1), 16_000)])
    # October is missing: no full year.
    assert league.annual_totals(months, facts, ENTITIES).filter(pl.col("year") == 2023).is_empty()
    q4 = _results([("LEAPMOTOR_INC", D(2023, 10, 1), D(2023, 12, 31), 44_000, "exact")])
    got = league.annual_totals(months, facts, ENTITIES, q4).filter(pl.col("year") == 2023).row(0, named=True)
    assert (got["value"], got["basis"]) == (144_000.0, "sum of published totals for Jan–Sep and Q4")


def test_the_full_year_league_ranks_every_maker_with_a_total_and_the_brand_sentence_reads_them():
    annual = league.annual_league(VOLUMES, FACTS, ENTITIES, RESULTS)
    assert _year(annual, 2022) == [
        ("LI_AUTO", 133_246.0, 1),
        ("NIO_INC", 122_486.0, 2),
        ("XPENG", 120_757.0, 3),
        ("ZEEKR", 71_941.0, 4),
        ("HIMA", None, None),
        ("LEAPMOTOR", None, None),
    ]
    said = plain(brands_before_alliance(annual, download="annual"))
    assert "AITO 76,180 in 2022" in said and "above every maker" not in said  # 76,180 < Li Auto's 133,246
    fy2024 = plain(leader(annual.filter(pl.col("group") == "Maker"), download="annual", year=2024))
    assert fy2024.startswith("FY2024: Li Auto") and "lower bound" not in fy2024 and "Leapmotor (293,724)" in fy2024


def test_without_the_results_the_old_gap_shows_as_a_lone_figure_not_a_win():
    annual = league.annual_league(VOLUMES, FACTS.filter(pl.col("subject") == "ZEEKR"), ENTITIES)
    # Zeekr's 71,941 is the only maker figure for 2022: shown, not ranked "1".
    assert [r for r in _year(annual, 2022) if r[0] == "ZEEKR"] == [("ZEEKR", 71_941.0, None)]


def test_the_annual_league_keeps_only_the_full_years_inside_a_window():
    annual = league.annual_league(VOLUMES, FACTS, ENTITIES, RESULTS, start=D(2024, 1, 1), end=D(2026, 2, 1))
    assert annual["year"].unique().to_list() == [2024]
    assert league.annual_league(VOLUMES, FACTS, ENTITIES, RESULTS, end=D(2024, 11, 1))["year"].max() == 2022


# ---------------------------------------------------------------- rank change (A M2)


def _two_months(rows: dict[str, tuple[tuple[int, str] | None, tuple[int, str] | None]]) -> pl.DataFrame:
    out = []
    for e, pair in rows.items():
        for m, fig in zip((D(2025, 12, 1), D(2026, 1, 1)), pair):
            if fig is not None:
                out.append(
                    {
                        "entity": e,
                        "month": m,
                        "measure": "deliveries",
                        "perimeter": "all",
                        "value": fig[0],
                        "qualifier": fig[1],
                        "source_id": f"s-{e}",
                    }
                )
    return pl.DataFrame(out)


MAKERS = pl.DataFrame(
    {
        "entity": ["HIMA", "LEAPMOTOR", "XIAOMI", "NIO_INC", "LI_AUTO", "XPENG", "ZEEKR"],
        "level": ["alliance", "brand", "brand", "group", "brand", "brand", "brand"],
        "parent": [None] * 7,
    }
)
MARKET = pl.DataFrame(
    schema={"month": pl.Date, "segment": pl.String, "measure": pl.String, "value": pl.Float64, "qualifier": pl.String}
)


def test_rank_change_compares_like_sets_of_makers_and_never_a_bound_ranked_as_its_value():
    v = _two_months(
        {
            "HIMA": ((89_611, "exact"), (57_915, "exact")),
            "LEAPMOTOR": ((60_423, "exact"), (32_059, "exact")),
            "XIAOMI": ((50_000, "over"), (39_000, "over")),
            "NIO_INC": ((48_135, "exact"), (27_182, "exact")),
            "LI_AUTO": ((44_246, "exact"), (27_668, "exact")),
            "XPENG": ((37_508, "exact"), (20_011, "exact")),
            "ZEEKR": (None, (23_852, "exact")),  # enters January's table above XPeng
        }
    )
    table = league.monthly_league(v, MARKET, MAKERS, month=D(2026, 1, 1))
    got = {r["entity"]: (r["rank"], r["rank_change"]) for r in table.iter_rows(named=True)}
    # XPeng was last of the six makers in both months: Zeekr's entry moves nobody.
    assert got["XPENG"] == (7, 0)
    # Xiaomi's "> 50,000" could be above Leapmotor's 60,423 (and HIMA's 89,611): no certain move for them.
    assert got["XIAOMI"][1] is None and got["LEAPMOTOR"][1] is None and got["HIMA"][1] is None
    # Li Auto and NIO swapped, both ranks settled among the six in both months.
    assert (got["LI_AUTO"][1], got["NIO_INC"][1]) == (1, -1)
    assert got["ZEEKR"] == (6, None)


def test_the_month_leader_sentence_says_among_whom_the_move_is_counted():
    v = _two_months(
        {
            "HIMA": ((30_000, "exact"), (20_000, "exact")),
            "LI_AUTO": ((40_000, "exact"), (27_668, "exact")),
            "NIO_INC": ((10_000, "exact"), (9_000, "exact")),
        }
    )
    table = league.monthly_league(
        v, MARKET, MAKERS.filter(pl.col("entity").is_in(["HIMA", "LI_AUTO", "NIO_INC"])), month=D(2026, 1, 1)
    )
    said = plain(month_leader(table.filter(pl.col("group") == "Maker"), download="league"))
    assert said.endswith("HIMA ranked 2 (unchanged on the month before, among the makers that published both months).")


# ---------------------------------------------------------------- targets (A M5, B M1/M2, C 1)

HIMA_2026 = pl.DataFrame({"entity": ["HIMA"], "month": [D(2026, 1, 1)], "ytd": [57_915.0], "ytd_qualifier": ["exact"]})
HIMA_TARGET = pl.DataFrame(
    {
        "entity": ["HIMA"],
        "year": [2026],
        "target": [1_000_000.0],
        "target_qualifier": ["exact"],
        "target_high": [1_300_000.0],
        "target_high_qualifier": ["exact"],
        "wording": ["sales"],
    }
)
CARRY = ["target_high", "target_high_qualifier", "wording"]


def test_a_range_target_worded_as_sales_is_said_to_be_a_range_and_set_against_deliveries():
    ytd = league.measured_ytd(HIMA_2026, HIMA_TARGET, FACTS)
    assert ytd["measure"].to_list() == ["deliveries"]  # no HIMA sales figure for 2026 on record
    progress = hm.target_progress(ytd, HIMA_TARGET, carry=CARRY)
    row = progress.row(0, named=True)
    assert row["progress_high"] == pytest.approx(57_915 / 1_300_000)
    assert row["needed_per_month_high"] == pytest.approx((1_300_000 - 57_915) / 11)
    said = plain(target_status(progress, download="t", entity="HIMA"))
    assert said == (
        "鸿蒙智行 HIMA has reached 5.8% of the low end of its 2026 target range of 1,000,000 to 1,300,000 by "
        "Jan 2026 (4.5% of the top); meeting the low end needs 85,644 a month from here (112,917 for the top). "
        "The target is worded as sales; no sales figure for the period is on record, so it is set against "
        "deliveries, a different measure."
    )
    raw = html.unescape(hd.target_table(progress, title="Targets", hide=["entity"]).as_raw_html())
    assert "Range top" in raw and "1,300,000" in raw and "Needed per month (top)" in raw and "112,917" in raw
    assert ">Measure<" in raw and ">Deliveries<" in raw and "a different measure" in raw


AITO_FACTS = facts_frame(
    [
        ("AITO", "sales_target", *FY2024, 600_000, "exact", "kipost"),
        ("AITO", "deliveries", *FY2024, 387_000, "over", "spglobal"),
        ("AITO", "wholesale_sales", *FY2024, 389_100, "rounded", "guosen"),
        ("AITO", "delivery_target", *FY2022, 300_000, "exact", "scmp"),
        ("AITO", "deliveries", D(2022, 3, 1), D(2022, 12, 31), 76_180, "exact", "scmp"),
    ]
)


def _aito_progress() -> pl.DataFrame:
    targets = league.annual_targets(AITO_FACTS).filter(pl.col("current"))
    totals = league.annual_totals(VOLUMES, AITO_FACTS, ENTITIES)
    ytd = league.year_to_date(VOLUMES.filter(pl.col("entity") == "AITO"), totals)
    measured = league.measured_ytd(ytd.select("entity", "month", "ytd", "ytd_qualifier"), targets, AITO_FACTS)
    return hm.target_progress(measured, targets, carry=["target_high", "target_high_qualifier", "wording"])


def test_a_sales_target_meets_the_published_sales_figure_where_one_is_on_record():
    progress = _aito_progress()
    rows = {r["year"]: r for r in progress.iter_rows(named=True)}
    # 2024: worded as sales, so the wholesale (company sales) total, not "> 387,000" deliveries.
    assert (rows[2024]["ytd"], rows[2024]["ytd_qualifier"], rows[2024]["measure"]) == (
        389_100.0,
        "rounded",
        "wholesale",
    )
    assert rows[2024]["source_id_measure"] == "guosen"
    assert rows[2024]["progress"] == pytest.approx(389_100 / 600_000) and rows[2024]["progress_qualifier"] == "rounded"
    # 2022: a delivery target stays on deliveries.
    assert (rows[2022]["ytd"], rows[2022]["measure"]) == (76_180.0, "deliveries")
    said = plain(target_status(progress, download="t", entity="AITO"))
    assert said == (
        "问界 AITO reached ≈ 64.8% of its 2024 target of 600,000, falling short by ≈ 210,900. The target is "
        "worded as sales and is set against 问界 AITO's published 2024 sales (wholesale) figure, ≈ 389,100, not "
        "its deliveries."
    )
    raw = html.unescape(hd.target_table(progress, title="Targets", hide=["entity"]).as_raw_html())
    assert "Wholesale (company sales)" in raw and "compared with the sales (wholesale) total" in raw
    assert "guosen" not in raw  # the source is in the sources line, not a column


# ---------------------------------------------------------------- closed years (C 7)


def test_a_finished_year_shows_a_shortfall_not_vehicles_still_to_deliver():
    progress = _aito_progress()
    y2022 = progress.filter(pl.col("year") == 2022).row(0, named=True)
    assert (y2022["remaining"], y2022["shortfall"], y2022["needed_per_month"]) == (None, 300_000 - 76_180, None)
    raw = html.unescape(hd.target_table(progress, title="Targets", hide=["entity"]).as_raw_html())
    assert "Short of target (year over)" in raw and "Still to deliver" not in raw
    assert "223,820" in raw and "a finished year's target less its full-year figure" in raw
    met = hm.target_progress(
        pl.DataFrame({"entity": ["LI"], "month": [D(2024, 12, 1)], "ytd": [500_508.0]}),
        pl.DataFrame({"entity": ["LI"], "year": [2024], "target": [480_000.0]}),
    ).row(0, named=True)
    assert (met["remaining"], met["shortfall"]) == (None, None)


# ---------------------------------------------------------------- Chinese New Year (A M7)


def test_the_new_year_caveat_follows_the_holiday_calendar():
    jan_2026 = target_subtitle(pl.DataFrame({"month": [D(2026, 1, 1)]}))
    assert "before the Chinese New Year holiday (17 Feb 2026)" in jan_2026 and "includes" not in jan_2026
    jan_2025 = target_subtitle(pl.DataFrame({"month": [D(2025, 1, 1)]}))
    assert "includes the Chinese New Year holiday month (the holiday began 29 Jan 2025)" in jan_2025


# ---------------------------------------------------------------- the league page's own cells (A C3, C4)


def _cell(notebook: str, marker: str) -> str:
    nb = json.loads((Path(__file__).parent.parent / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    (cell,) = ["".join(c["source"]) for c in nb["cells"] if marker in "".join(c["source"])]
    return cell


def test_the_league_page_shows_a_target_range_and_describes_the_revisions_order_it_uses():
    progress_cell = _cell("league_table", "hd.target_table(")
    hidden = re.search(r"hide=\[([^\]]*)\]", progress_cell)
    assert hidden is not None and "target_high" not in hidden.group(1)
    revisions = _cell("league_table", "Announced annual targets and their revisions")
    assert "by maker and year" in revisions and "in the order its source was published;" not in revisions
    # the order the subtitle describes is the one annual_targets returns
    facts = facts_frame(
        [
            ("BYD", "sales_target", D(2023, 1, 1), D(2023, 12, 31), 3_000_000, "exact", "b"),
            ("AITO", "sales_target", *FY2024, 600_000, "exact", "a"),
        ]
    )
    assert league.annual_targets(facts)["entity"].to_list() == ["AITO", "BYD"]


def test_a_brand_is_said_to_top_the_makers_only_when_no_maker_figure_could_be_above_it():
    base = facts_frame(
        [
            ("AITO", "deliveries", D(2022, 3, 1), D(2022, 12, 31), 76_180, "exact", "scmp"),
            ("ZEEKR", "deliveries", *FY2022, 71_941, "exact", "geely"),
            ("XPENG", "deliveries", *FY2022, 70_000, "exact", "x"),
        ]
    )
    annual = league.annual_league(VOLUMES, base, ENTITIES)
    said = plain(brands_before_alliance(annual, download="annual"))
    assert (
        "In 2022, 问界 AITO's figure alone is above every maker's full-year total on record (the highest: Zeekr, "
        "71,941); no full-year total is on record for Leapmotor, Li Auto and NIO Inc. (all brands)." in said
    )
    bound = base.with_columns(
        pl.when(pl.col("subject") == "XPENG").then(pl.lit("over")).otherwise(pl.col("qualifier")).alias("qualifier")
    )
    said = plain(brands_before_alliance(league.annual_league(VOLUMES, bound, ENTITIES), download="annual"))
    assert "above every maker" not in said  # "> 70,000" could be above 76,180


def test_hiding_the_range_top_hides_the_figures_against_it():
    progress = hm.target_progress(league.measured_ytd(HIMA_2026, HIMA_TARGET, FACTS), HIMA_TARGET, carry=CARRY)
    raw = html.unescape(hd.target_table(progress, title="Targets", hide=["target_high"]).as_raw_html())
    assert "(top)" not in raw and "112,917" not in raw and "its low end is the one compared." in raw
    shown = html.unescape(hd.target_table(progress, title="Targets", show=["progress_high"]).as_raw_html())
    assert "Reached (top)" in shown and "4.5%" in shown
