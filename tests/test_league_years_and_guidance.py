"""Annual tables with every member listed, HIMA brand years, dated quarterly guidance and target wording."""

from __future__ import annotations

import datetime as dt

import polars as pl
from league_frames import deliveries_frame, facts_frame
from report_checks import plain

from hima_analytics import league
from hima_analytics import metrics as hm

D = dt.date
FY2024 = (D(2024, 1, 1), D(2024, 12, 31))


_facts = facts_frame
_volumes = deliveries_frame


RIVALS = pl.DataFrame(
    {
        "entity": ["LI_AUTO", "NIO_INC", "VOYAH"],
        "level": ["brand", "group", "brand"],
        "parent": [None, None, None],
    }
)


def test_a_maker_with_neither_a_total_nor_months_in_the_year_still_leaves_the_ranks_unsettled():
    # Voyah publishes deliveries (2023 months) but has nothing for 2024: it could be anywhere in 2024.
    volumes = _volumes(
        [
            ("LI_AUTO", D(2024, 1, 1), 31_165),
            ("NIO_INC", D(2024, 1, 1), 10_055),
            ("VOYAH", D(2023, 1, 1), 2_502),
        ]
    )
    facts = _facts(
        [
            ("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a"),
            ("NIO_INC", "deliveries", *FY2024, 221_970, "exact", "b"),
        ]
    )
    annual = league.annual_league(volumes, facts, RIVALS).filter(pl.col("year") == 2024)
    assert annual.select("entity", "rank", "rank_certain", "basis").rows() == [
        ("LI_AUTO", 1, False, "published annual total"),
        ("NIO_INC", 2, False, "published annual total"),
        ("VOYAH", None, None, league.NO_ANNUAL_TOTAL),
    ]
    # With Voyah's total on record, every member has one and no bound is in play: settled.
    facts = pl.concat([facts, _facts([("VOYAH", "deliveries", *FY2024, 85_000, "exact", "c")])])
    annual = league.annual_league(volumes, facts, RIVALS).filter(pl.col("year") == 2024)
    assert annual.select("entity", "rank", "rank_certain").rows() == [
        ("LI_AUTO", 1, True),
        ("NIO_INC", 2, True),
        ("VOYAH", 3, True),
    ]


def test_a_maker_launched_after_the_year_is_not_a_member_of_that_year():
    entities = pl.DataFrame(
        {
            "entity": ["LI_AUTO", "NIO_INC", "XIAOMI", "XIAOMI_SU7"],
            "level": ["brand", "group", "brand", "model"],
            "parent": [None, None, None, "XIAOMI"],
            "launch_date": [None, None, None, D(2024, 3, 28)],
            "first_delivery_date": [None, None, None, D(2024, 4, 3)],
        }
    )
    volumes = _volumes(
        [("LI_AUTO", D(2023, 1, 1), 15_141), ("NIO_INC", D(2023, 1, 1), 8_506), ("XIAOMI", D(2024, 4, 1), 7_058)]
    )
    y2023 = (D(2023, 1, 1), D(2023, 12, 31))
    facts = _facts(
        [
            ("LI_AUTO", "deliveries", *y2023, 376_030, "exact", "a"),
            ("NIO_INC", "deliveries", *y2023, 160_038, "exact", "b"),
            ("LI_AUTO", "deliveries", *FY2024, 500_508, "exact", "a"),
            ("NIO_INC", "deliveries", *FY2024, 221_970, "exact", "b"),
        ]
    )
    annual = league.annual_league(volumes, facts, entities)
    assert annual.filter(pl.col("year") == 2023).select("entity", "rank_certain").rows() == [
        ("LI_AUTO", True),
        ("NIO_INC", True),
    ]
    # In 2024 Xiaomi was delivering and has no total here: listed, and the ranks are open.
    y2024 = annual.filter(pl.col("year") == 2024)
    assert y2024.select("entity", "rank_certain").rows() == [("LI_AUTO", False), ("NIO_INC", False), ("XIAOMI", None)]


ALLIANCE = pl.DataFrame(
    {
        "entity": ["HIMA", "AITO", "AITO_M5", "LUXEED", "LUXEED_S7", "ZEEKR"],
        "level": ["alliance", "brand", "model", "brand", "model", "brand"],
        "parent": [None, "HIMA", "AITO", "HIMA", "LUXEED", None],
        "launch_date": [None, None, D(2021, 12, 1), None, D(2023, 11, 28), None],
        "first_delivery_date": [None, None, D(2022, 3, 1), None, None, None],
    }
)
ALLIANCE_VOLUMES = _volumes(
    [
        ("HIMA", D(2024, 4, 1), 28_000),
        ("AITO", D(2024, 4, 1), 25_000),
        ("LUXEED", D(2025, 2, 1), 9_580),
        ("ZEEKR", D(2022, 4, 1), 1_000),
    ]
)
ALLIANCE_FACTS = _facts(
    [
        ("AITO", "deliveries", D(2022, 3, 1), D(2022, 12, 31), 76_180, "exact", "scmp"),
        ("ZEEKR", "deliveries", D(2022, 1, 1), D(2022, 12, 31), 71_941, "exact", "z"),
        ("AITO", "deliveries", *FY2024, 387_000, "over", "aito24"),
        ("HIMA", "deliveries", *FY2024, 444_956, "exact", "hima24"),
        ("ZEEKR", "deliveries", *FY2024, 222_123, "exact", "z24"),
    ]
)


def test_hima_brand_years_are_listed_and_a_brand_is_capped_by_the_alliance_total():
    annual = league.annual_league(ALLIANCE_VOLUMES, ALLIANCE_FACTS, ALLIANCE)
    brands = annual.filter(pl.col("group") == "HIMA brand")
    # 2022: AITO is the only HIMA brand yet (Luxeed's first model came in Nov 2023): shown, not ranked,
    # with the months its total covers.
    assert brands.filter(pl.col("year") == 2022).select("entity", "value", "basis", "rank").rows() == [
        ("AITO", 76_180.0, "published total since first deliveries, Mar–Dec", None)
    ]
    # 2024: Luxeed has no total, but HIMA's 444,956 less AITO's > 387,000 leaves it at most 57,956.
    assert brands.filter(pl.col("year") == 2024).select("entity", "rank", "rank_certain").rows() == [
        ("AITO", 1, True),
        ("LUXEED", None, None),
    ]
    # HIMA, delivering since 2022 through AITO, has no 2022 total: Zeekr's is the one maker figure, and
    # one figure with a rival that has none is not a ranking.
    makers = annual.filter((pl.col("group") == "Maker") & (pl.col("year") == 2022))
    assert makers.select("entity", "rank", "rank_certain").rows() == [("ZEEKR", None, None), ("HIMA", None, None)]


def test_brand_years_before_the_alliance_total_are_said_to_be_brand_figures():
    from hima_analytics.narrative.competition import brands_before_alliance

    annual = league.annual_league(ALLIANCE_VOLUMES, ALLIANCE_FACTS, ALLIANCE)
    said = plain(brands_before_alliance(annual, download="annual"))
    assert said.startswith("鸿蒙智行 HIMA has no full-year total of its own for 2022 (its totals start in 2024)")
    assert "问界 AITO 76,180 in 2022 (published total since first deliveries, Mar–Dec)" in said
    assert "not ranked against the makers" in said
    assert (
        "In 2022, 问界 AITO's figure alone is above every maker's full-year total on record (the highest: Zeekr, "
        "71,941)." in said
    )
    # Once the alliance has a total for every year a brand has one, there is nothing to say.
    later = annual.filter(pl.col("year") == 2024)
    assert brands_before_alliance(later, download="annual") is None


def test_quarter_guidance_is_the_latest_announcement_with_its_date():
    q2 = (D(2025, 4, 1), D(2025, 6, 30))
    facts = _facts(
        [
            ("LI_AUTO", "delivery_guidance_low", *q2, 123_000, "exact", "may"),
            ("LI_AUTO", "delivery_guidance_high", *q2, 128_000, "exact", "may"),
            ("LI_AUTO", "delivery_guidance", *q2, 108_000, "exact", "jun"),
        ]
    )
    sources = pl.DataFrame({"source_id": ["may", "jun"], "published": [D(2025, 5, 30), D(2025, 6, 27)]})
    got = league.quarter_guidance(facts, sources)
    # the revision replaces the range: never 108,000 to 128,000
    assert got.select("low", "high", "announced", "source_id").rows() == [(108_000.0, 108_000.0, D(2025, 6, 27), "jun")]


def test_guidance_counts_every_month_of_the_quarter_on_record():
    guidance = pl.DataFrame(
        {"entity": ["LI_AUTO"], "period_start": [D(2026, 1, 1)], "low": [85_000.0], "high": [90_000.0]}
    )
    months = pl.DataFrame(
        {"entity": ["LI_AUTO"] * 2, "month": [D(2026, 1, 1), D(2026, 2, 1)], "value": [27_668, 26_421]}
    )
    row = hm.guidance_implied(guidance, months).row(0, named=True)
    assert (row["published"], row["months_published"], row["through"]) == (54_089.0, 2, D(2026, 2, 1))
    assert (row["implied_low"], row["implied_high"]) == (85_000 - 54_089, 90_000 - 54_089)
    # With the whole quarter published nothing is left open, and the landing is read from the months.
    full = pl.concat([months, pl.DataFrame({"entity": ["LI_AUTO"], "month": [D(2026, 3, 1)], "value": [41_053]})])
    row = hm.guidance_implied(guidance, full).row(0, named=True)
    assert (row["months_open"], row["implied_low"], row["implied_high"]) == (0, None, None)
    assert row["landed"] == "above the range"


def test_a_production_and_sales_target_keeps_its_wording():
    facts = _facts(
        [
            ("SERES_GROUP", "production_and_sales_target", D(2026, 1, 1), D(2026, 12, 31), 1_000_000, "exact", "a"),
            ("AITO", "sales_target", *FY2024, 600_000, "exact", "b"),
        ]
    )
    got = league.annual_targets(facts).sort("entity").select("entity", "year", "wording", "target").rows()
    assert got == [("AITO", 2024, "sales", 600_000.0), ("SERES_GROUP", 2026, "production and sales", 1_000_000.0)]
