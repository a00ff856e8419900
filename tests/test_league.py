"""The league table, annual rankings, targets and guidance on a tiny hand-computed fixture."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from league_frames import deliveries_frame, facts_frame
from report_checks import plain

from hima_analytics import league
from hima_analytics import metrics as hm
from hima_analytics.narrative.competition import leader, month_leader

D = dt.date
ENTITIES = pl.DataFrame(
    {
        "entity": ["HIMA", "AITO", "LI_AUTO", "NIO_INC"],
        "level": ["alliance", "brand", "brand", "group"],
        "parent": [None, "HIMA", None, None],
    }
)
MONTHS = {  # entity: {month: value}
    "HIMA": {D(2024, 1, 1): 25_000, D(2024, 2, 1): 21_000, D(2025, 1, 1): 35_000, D(2025, 2, 1): 21_517},
    "LI_AUTO": {D(2024, 1, 1): 30_000, D(2024, 2, 1): 20_000, D(2025, 1, 1): 30_000, D(2025, 2, 1): 26_000},
    "NIO_INC": {D(2025, 1, 1): 13_000, D(2025, 2, 1): 13_000},
    "AITO": {D(2025, 2, 1): 11_315},
}


def _volumes() -> pl.DataFrame:
    return deliveries_frame([(e, m, v) for e, series in MONTHS.items() for m, v in series.items()])


MARKET = pl.DataFrame(
    {
        "month": [D(2025, 2, 1)],
        "segment": ["nev_passenger"],
        "measure": ["retail"],
        "value": [500_000],
        "qualifier": ["exact"],
    }
)


def _row(table: pl.DataFrame, entity: str) -> dict:
    return table.filter(pl.col("entity") == entity).row(0, named=True)


def test_the_monthly_league_matches_hand_computed_growth_ytd_ranks_and_share():
    table = league.monthly_league(_volumes(), MARKET, ENTITIES, month=D(2025, 2, 1))
    li, hima, nio = _row(table, "LI_AUTO"), _row(table, "HIMA"), _row(table, "NIO_INC")
    assert li["mom"] == pytest.approx(26_000 / 30_000 - 1)
    assert li["yoy"] == pytest.approx(26_000 / 20_000 - 1)
    assert li["ytd"] == 56_000 and li["ytd_yoy"] == pytest.approx(56_000 / 50_000 - 1)
    assert hima["ytd"] == 56_517 and hima["ytd_yoy"] == pytest.approx(56_517 / 46_000 - 1)
    assert nio["yoy"] is None and nio["ytd_yoy"] is None  # no 2024 figures: no growth, never from zero
    # February: Li Auto 26,000 > HIMA 21,517 > NIO 13,000; January was HIMA, Li Auto, NIO.
    assert [
        (r["entity"], r["rank"], r["rank_change"])
        for r in table.filter(pl.col("group") == "Maker").iter_rows(named=True)
    ] == [
        ("LI_AUTO", 1, 1),
        ("HIMA", 2, -1),
        ("NIO_INC", 3, 0),
    ]
    assert li["share"] == pytest.approx(26_000 / 500_000)
    aito = _row(table, "AITO")
    assert (aito["group"], aito["rank"]) == ("HIMA brand", 1)


def test_a_lower_bound_below_the_leader_leaves_the_order_unsettled():
    v = _volumes().with_columns(
        pl.when((pl.col("entity") == "NIO_INC") & (pl.col("month") == D(2025, 2, 1)))
        .then(pl.lit("over"))
        .otherwise(pl.col("qualifier"))
        .alias("qualifier")
    )
    table = league.monthly_league(v, MARKET, ENTITIES, month=D(2025, 2, 1))
    assert not _row(table, "LI_AUTO")["rank_certain"]  # "over 13,000" could be more than 26,000


JAN_2026 = D(2026, 1, 1)
BRANDS = pl.DataFrame(
    {
        "entity": ["HIMA", "AITO", "LUXEED", "STELATO", "LI_AUTO", "XPENG"],
        "level": ["alliance", "brand", "brand", "brand", "brand", "brand"],
        "parent": [None, "HIMA", "HIMA", "HIMA", None, None],
    }
)


def _month(rows: dict[str, tuple[int, str]], month: dt.date = JAN_2026) -> pl.DataFrame:
    return deliveries_frame(
        [
            (e, m, v, q)
            for e, (v, q) in rows.items()
            for m in (D(2025, 12, 1), month)  # a month before, so members that skip January are listed
            if m == month or e == "STELATO" or e == "XPENG"
        ]
    )


def test_a_brand_bound_is_capped_by_the_alliance_total_less_the_other_brands():
    # HIMA 57,915 exact; AITO 40,016; Luxeed "over 4,500": Luxeed is at most 57,915 - 40,016 =
    # 17,899, and Stelato (not published) at most 57,915 - 40,016 - 4,500 = 13,399, so AITO's
    # first place is settled; Luxeed's second is not (Stelato could be up to 13,399).
    v = _month({"HIMA": (57_915, "exact"), "AITO": (40_016, "exact"), "LUXEED": (4_500, "over")})
    v = pl.concat([v, _month({"STELATO": (900, "exact")}).filter(pl.col("month") == D(2025, 12, 1))])
    table = league.monthly_league(v, MARKET, BRANDS, month=D(2026, 1, 1))
    assert (_row(table, "AITO")["rank"], _row(table, "AITO")["rank_certain"]) == (1, True)
    assert (_row(table, "LUXEED")["rank"], _row(table, "LUXEED")["rank_certain"]) == (2, False)
    assert _row(table, "STELATO")["rank"] is None


def test_a_maker_still_to_publish_leaves_the_ranks_it_could_take_unsettled():
    v = _month({"HIMA": (57_915, "exact"), "LI_AUTO": (27_668, "exact")})
    v = pl.concat([v, _month({"XPENG": (36_728, "exact")}).filter(pl.col("month") == D(2025, 12, 1))])
    table = league.monthly_league(v, MARKET, BRANDS, month=D(2026, 1, 1))
    # XPeng published December but not January: it could be anywhere, so no maker's rank is settled.
    assert [
        (r["entity"], r["rank"], r["rank_certain"])
        for r in table.filter(pl.col("group") == "Maker").iter_rows(named=True)
    ] == [
        ("HIMA", 1, False),
        ("LI_AUTO", 2, False),
        ("XPENG", None, None),
    ]
    assert plain(month_leader(table, download="league")) == (
        "鸿蒙智行 HIMA led the makers that published for Jan 2026 with 57,915; "
        "the order is not final while 1 maker has not published."
    )
    complete = league.monthly_league(
        _month({"HIMA": (57_915, "exact"), "LI_AUTO": (27_668, "exact")}), MARKET, BRANDS, month=D(2026, 1, 1)
    )
    assert complete.filter(pl.col("entity") == "HIMA")["rank_certain"].to_list() == [True]


def test_a_year_with_one_member_in_a_table_is_shown_but_not_ranked():
    facts = _facts([("LI_AUTO", "deliveries", D(2022, 1, 1), D(2022, 12, 31), 133_246, "exact", "a")])
    only_li = ENTITIES.filter(pl.col("entity") == "LI_AUTO")
    annual = league.annual_league(_volumes(), facts, only_li).filter(pl.col("year") == 2022)
    assert annual.select("entity", "value", "rank", "rank_certain").rows() == [("LI_AUTO", 133_246.0, None, None)]
    # With the other makers in the table (none has a 2022 total), the one figure is still not ranked:
    # "1" among one maker with a figure would read as a league win.
    annual = league.annual_league(_volumes(), facts, ENTITIES).filter(pl.col("year") == 2022)
    assert annual.select("entity", "rank", "rank_certain", "basis").rows() == [
        ("LI_AUTO", None, None, "published annual total"),
        ("HIMA", None, None, league.NO_ANNUAL_TOTAL),
        ("NIO_INC", None, None, league.NO_ANNUAL_TOTAL),
    ]


_facts = facts_frame


FY2024 = (D(2024, 1, 1), D(2024, 12, 31))


def test_annual_rankings_use_published_totals_never_sums_of_unequal_months():
    facts = _facts(
        [
            ("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a"),
            ("NIO_INC", "deliveries", *FY2024, 221_970, "exact", "b"),
        ]
    )
    annual = league.annual_league(_volumes(), facts, ENTITIES).filter(pl.col("year") == 2024)
    # HIMA has two 2024 months on record and no published total: it is listed, not ranked, for 2024.
    assert annual.select("entity", "rank", "basis").rows() == [
        ("LI_AUTO", 1, "published annual total"),
        ("NIO_INC", 2, "published annual total"),
        ("HIMA", None, league.NO_ANNUAL_TOTAL),
    ]
    sentence = leader(annual, download="annual", year=2024)
    assert plain(sentence) == (
        "FY2024: Li Auto had the highest full-year total on record, 500,508, ahead of NIO Inc. (all brands) (221,970); "
        "no full-year total is on record for 鸿蒙智行 HIMA."
    )
    complete = pl.concat([facts, _facts([("HIMA", "deliveries", *FY2024, 444_956, "exact", "c")])])
    annual = league.annual_league(_volumes(), complete, ENTITIES).filter(pl.col("year") == 2024)
    assert plain(leader(annual, download="annual", year=2024)) == (
        "FY2024: Li Auto led with 500,508 deliveries, ahead of 鸿蒙智行 HIMA (444,956)."
    )


def test_a_leader_that_a_bound_could_overtake_is_not_said_to_have_led():
    facts = _facts(
        [
            ("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a"),
            ("NIO_INC", "deliveries", *FY2024, 221_970, "over", "b"),
        ]
    )
    annual = league.annual_league(_volumes(), facts, ENTITIES).filter(pl.col("year") == 2024)
    text = plain(leader(annual, download="annual", year=2024))
    assert "head the table" in text and "not settled" in text and "led with" not in text
    # With a third maker exact in second place, the sentence says only what is published.
    facts = pl.concat([facts, _facts([("HIMA", "deliveries", *FY2024, 444_956, "exact", "c")])])
    annual = league.annual_league(_volumes(), facts, ENTITIES).filter(pl.col("year") == 2024)
    text = plain(leader(annual, download="annual", year=2024))
    assert text.startswith("FY2024: Li Auto had the highest full-year total on record, 500,508, ahead of")
    assert "is on record only as a lower bound (> 221,970)" in text and "led with" not in text


def test_targets_pair_a_range_within_one_announcement_and_progress_uses_the_latest():
    facts = _facts(
        [
            ("LI_AUTO", "delivery_target", *FY2024, 800_000, "exact", "jan"),
            ("LI_AUTO", "sales_target_low", *FY2024, 560_000, "exact", "mar"),
            ("LI_AUTO", "sales_target_high", *FY2024, 640_000, "exact", "mar"),
            ("LI_AUTO", "sales_target", *FY2024, 480_000, "exact", "jun"),
        ]
    )
    sources = pl.DataFrame(
        {"source_id": ["jan", "mar", "jun"], "published": [D(2024, 2, 1), D(2024, 3, 21), D(2024, 6, 5)]}
    )
    announced = league.annual_targets(facts, sources)
    assert announced.select("target", "target_high", "current").rows() == [
        (800_000.0, None, False),
        (560_000.0, 640_000.0, False),  # the March range: never 800,000 to 640,000
        (480_000.0, None, True),
    ]
    ytd = pl.DataFrame({"entity": ["LI_AUTO"], "month": [D(2024, 6, 1)], "ytd": [188_981], "ytd_qualifier": ["exact"]})
    with pytest.raises(ValueError, match="duplicate"):
        hm.target_progress(ytd, announced)  # three targets for one year: say which
    row = hm.target_progress(ytd, announced.filter(pl.col("current"))).row(0, named=True)
    assert row["progress"] == pytest.approx(188_981 / 480_000)
    assert row["needed_per_month"] == pytest.approx((480_000 - 188_981) / 6)
    assert row["pace"] == pytest.approx(188_981 / 6 * 12 / 480_000)


def test_quarterly_guidance_implies_the_open_months():
    facts = _facts(
        [
            ("LI_AUTO", "delivery_guidance_low", D(2025, 1, 1), D(2025, 3, 31), 88_000, "exact", "g"),
            ("LI_AUTO", "delivery_guidance_high", D(2025, 1, 1), D(2025, 3, 31), 93_000, "exact", "g"),
        ]
    )
    guidance = league.quarter_guidance(facts)
    delivered = _volumes().filter(pl.col("entity") == "LI_AUTO").select("entity", "month", "value")
    row = hm.guidance_implied(guidance, delivered).row(0, named=True)
    assert (row["published"], row["months_published"], row["months_open"]) == (56_000, 2, 1)
    assert (row["implied_low"], row["implied_high"]) == (88_000 - 56_000, 93_000 - 56_000)


def test_like_for_like_says_only_what_the_totals_show_when_a_bound_could_overtake():
    from hima_analytics.narrative.competition import like_for_like

    months = [D(2025, 1, 1), D(2025, 2, 1)]
    v = _volumes().filter(pl.col("month").is_in(months) & (pl.col("entity") != "AITO"))
    v = v.with_columns(
        pl.when(pl.col("entity") == "NIO_INC").then(pl.lit("over")).otherwise(pl.col("qualifier")).alias("qualifier")
    )
    totals = hm.rank(
        hm.period_total(v, periods=months),
        period=None,
        value="total",
        qualifier="total_qualifier",
    )
    said = plain(like_for_like(totals, download="like", months=months))
    assert "HIMA has the highest published total, 56,517, ahead of Li Auto with 56,000" in said
    assert "is published only as a lower bound (> 26,000)" in said and "delivered" not in said
    exact = hm.rank(
        hm.period_total(_volumes().filter(pl.col("month").is_in(months)), periods=months),
        period=None,
        value="total",
        qualifier="total_qualifier",
    )
    assert "HIMA delivered 56,517, ahead of Li Auto with 56,000" in plain(
        like_for_like(exact, download="like", months=months)
    )


def test_target_progress_reads_a_finished_year_from_its_full_year_total():
    facts = _facts([("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a")])
    ytd = league.year_to_date(_volumes(), league.annual_totals(_volumes(), facts, ENTITIES))
    rows = {(r["entity"], r["year"]): (r["month"], r["ytd"], r["basis"]) for r in ytd.iter_rows(named=True)}
    # Li Auto 2024 from its total, not Jan+Feb; HIMA 2024 (two months, no total) is left out.
    assert rows[("LI_AUTO", 2024)] == (D(2024, 12, 1), 500_508.0, "published annual total")
    assert ("HIMA", 2024) not in rows
    assert rows[("HIMA", 2025)] == (D(2025, 2, 1), 56_517.0, "published months")
    targets = pl.DataFrame({"entity": ["LI_AUTO"], "year": [2024], "target": [480_000.0]})
    progress = hm.target_progress(ytd.select("entity", "month", "ytd", "ytd_qualifier"), targets).row(0, named=True)
    assert progress["progress"] == pytest.approx(500_508 / 480_000) and progress["months_left"] == 0


def test_year_to_date_of_a_brand_with_no_months_is_empty_and_quiet():
    import warnings

    empty = _volumes().clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        facts = _facts([("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a")]).clear()
        assert league.year_to_date(empty, league.annual_totals(empty, facts, ENTITIES)).is_empty()


def test_the_current_year_is_taken_at_the_reference_month_for_every_maker():
    ytd = league.year_to_date(
        _volumes(),
        league.annual_totals(_volumes(), _facts([("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a")]), ENTITIES),
        through=D(2025, 1, 1),
    )
    rows = {r["entity"]: (r["month"], r["ytd"]) for r in ytd.filter(pl.col("year") == 2025).iter_rows(named=True)}
    # Li Auto and NIO published February too, but everyone is compared at January.
    assert rows == {
        "HIMA": (D(2025, 1, 1), 35_000.0),
        "LI_AUTO": (D(2025, 1, 1), 30_000.0),
        "NIO_INC": (D(2025, 1, 1), 13_000.0),
    }


def test_a_published_quarter_total_settles_where_guidance_landed():
    guidance = pl.DataFrame(
        {
            "entity": ["LI_AUTO", "XPENG"],
            "period_start": [D(2026, 1, 1)] * 2,
            "low": [85_000.0, 61_000.0],
            "high": [90_000.0, 66_000.0],
        }
    )
    months = pl.DataFrame({"entity": ["LI_AUTO", "XPENG"], "month": [D(2026, 1, 1)] * 2, "value": [27_668, 20_011]})
    totals = pl.DataFrame(
        {
            "entity": ["LI_AUTO", "XPENG"],
            "period_start": [D(2026, 1, 1)] * 2,
            "value": [95_142, 62_682],
            "source_id": ["r1", "r2"],
        }
    )
    out = {r["entity"]: r for r in hm.guidance_implied(guidance, months, totals=totals).iter_rows(named=True)}
    assert (out["LI_AUTO"]["implied_low"], out["LI_AUTO"]["implied_high"]) == (57_332.0, 62_332.0)
    assert (out["LI_AUTO"]["within"], out["LI_AUTO"]["landed"]) == (False, "above the range")
    assert (out["XPENG"]["within"], out["XPENG"]["landed"]) == (True, "inside the range")
    assert out["XPENG"]["source_id_outcome"] == "r2"
    undecided = hm.guidance_implied(guidance, months, totals=totals.with_columns(qualifier=pl.lit("under")))
    # "under 95,142" could still be inside Li Auto's 85,000-90,000
    assert undecided.filter(pl.col("entity") == "LI_AUTO")["within"].to_list() == [None]


def test_quarter_totals_come_from_results_first_and_map_companies_to_makers():
    entities = pl.DataFrame(
        {"entity": ["NIO_INC", "ONVO"], "parent": [None, "NIO_INC"], "company": ["NIO_INC", "NIO_INC"]}
    )
    financials = pl.DataFrame(
        {
            "company": ["NIO_INC"],
            "metric": ["deliveries"],
            "period_type": ["Q"],
            "period_start": [D(2026, 1, 1)],
            "value": [83_465.0],
            "qualifier": ["exact"],
            "source_id": ["6k"],
        }
    )
    facts = pl.DataFrame(
        {
            "subject": ["NIO_INC", "ONVO"],
            "metric": ["deliveries"] * 2,
            "period_start": [D(2026, 1, 1)] * 2,
            "period_end": [D(2026, 3, 31)] * 2,
            "value": [83_000.0, 13_339.0],
            "qualifier": ["rounded", "exact"],
            "source_id": ["press", "6k"],
        }
    )
    got = league.quarter_deliveries(financials, facts, entities).sort("entity").select("entity", "value", "source_id")
    assert got.rows() == [("NIO_INC", 83_465.0, "6k"), ("ONVO", 13_339.0, "6k")]


def test_a_group_published_mostly_through_its_only_brand_is_listed_as_that_brand():
    entities = pl.DataFrame(
        {
            "entity": ["ZEEKR_GROUP", "ZEEKR", "NIO_INC", "NIO", "ONVO"],
            "level": ["group", "brand", "group", "brand", "brand"],
            "parent": [None, "ZEEKR_GROUP", None, "NIO_INC", "NIO_INC"],
        }
    )
    rows = [("ZEEKR_GROUP", 3), ("ZEEKR", 1), ("ZEEKR", 2), ("ZEEKR", 3), ("NIO_INC", 1), ("NIO", 1), ("ONVO", 1)]
    volumes = pl.DataFrame(
        {"entity": [e for e, _ in rows], "month": [D(2025, m, 1) for _, m in rows], "measure": "deliveries"}
    )
    # Zeekr Group published 1 month, its only brand 3: one series, the brand's. NIO Inc. stays the group.
    assert league.makers(entities, volumes).filter(pl.col("group") == "Maker")["entity"].to_list() == [
        "ZEEKR",
        "NIO_INC",
    ]


def test_the_first_year_of_deliveries_counts_from_the_first_delivery_month():
    entities = pl.DataFrame(
        {
            "entity": ["HIMA", "AITO", "AITO_M5", "LI_AUTO", "NIO_INC"],
            "level": ["alliance", "brand", "model", "brand", "group"],
            "parent": [None, "HIMA", "AITO", None, None],
            "first_delivery_date": [None, None, D(2022, 3, 1), None, None],
        }
    )
    facts = _facts(
        [
            ("AITO", "deliveries", D(2022, 3, 1), D(2022, 12, 31), 76_180, "exact", "scmp"),
            (
                "LI_AUTO",
                "deliveries",
                D(2022, 3, 1),
                D(2022, 12, 31),
                100_000,
                "exact",
                "x",
            ),  # not Li Auto's first year
        ]
    )
    totals = league.annual_totals(_volumes(), facts, entities)
    assert totals.filter(pl.col("year") == 2022).select("entity", "value", "basis").rows() == [
        ("AITO", 76_180.0, "published total since first deliveries, Mar–Dec")
    ]


def test_a_maker_that_delivered_in_the_year_without_a_total_unsettles_the_annual_ranks():
    facts = _facts(
        [
            ("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a"),
            ("NIO_INC", "deliveries", *FY2024, 221_970, "exact", "b"),
        ]
    )
    # HIMA has two 2024 months on record but no total: it could rank anywhere.
    annual = league.annual_league(_volumes(), facts, ENTITIES).filter(pl.col("year") == 2024)
    assert annual.select("entity", "rank", "rank_certain").rows() == [
        ("LI_AUTO", 1, False),
        ("NIO_INC", 2, False),
        ("HIMA", None, None),
    ]
    two = ENTITIES.filter(pl.col("entity").is_in(["LI_AUTO", "NIO_INC"]))
    settled = league.annual_league(_volumes(), facts, two).filter(pl.col("year") == 2024)
    assert settled["rank_certain"].to_list() == [True, True]
