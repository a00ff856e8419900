"""The shipped data: valid, fully sourced, one preferred value per key, documented, and holding
the seed articles' figures."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from click.testing import CliRunner

import hima_analytics as ha
from hima_analytics.cli import main
from hima_analytics.schemas import TABLES

D = dt.date


@pytest.fixture(scope="module")
def catalog():
    return ha.load_catalog()


def test_shipped_data_validates():
    assert ha.validate() == []


def test_every_row_resolves_to_a_source(catalog):
    sources = catalog.frames["sources"]
    ids = set(sources["source_id"])
    for name, frame in catalog.frames.items():
        if "source_id" in frame.columns and name != "sources":
            assert frame["source_id"].null_count() == 0, name
            assert set(frame["source_id"]) <= ids, name
    # and every source is a URL with a publication date, or a seed file that exists
    web = sources.filter(pl.col("url").is_not_null())
    assert web["published"].null_count() == 0
    assert web["url"].str.starts_with("http").all()
    seeds = sources.filter(pl.col("seed_file").is_not_null())
    assert seeds["seed_file"].str.contains(r"^\d{3}_[0-9a-f]{16}\.txt$").all()


def test_exactly_one_preferred_value_per_key(catalog):
    for name, t in TABLES.items():
        if t.preferred:
            counts = catalog.frames[name].group_by(t.key).agg(pl.col("preferred").sum().alias("n"))
            assert counts.filter(pl.col("n") != 1).is_empty(), name


def test_data_readme_generated_blocks_are_current():
    result = CliRunner().invoke(main, ["data", "docs"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("dataset", "filters", "expected"),
    [
        ("financials", dict(entity="SERES", start="2024-01-01", end="2024-01-01"), ("revenue", 145_176.0)),
        (
            "financials",
            dict(entity="SERES", start="2024-01-01", end="2024-01-01"),
            ("net_profit_attributable", 5_946.0),
        ),
        ("financials", dict(entity="SERES", start="2025-01-01", end="2025-01-01"), ("gross_margin", 0.289)),
        ("financials", dict(entity="SERES", start="2025-01-01", end="2025-01-01"), ("payments_to_huawei", 20_000.0)),
    ],
)
def test_seed_financials_are_present(dataset, filters, expected):
    frame = ha.load(dataset, all_values=True, **filters)
    metric, value = expected
    values = frame.filter(pl.col("metric") == metric)["value"].to_list()
    assert value in values


@pytest.mark.parametrize(
    ("entity", "month", "value"),
    [("HIMA", D(2025, 6, 1), 52_747), ("STELATO_S9", D(2025, 6, 1), 4_215), ("AITO_M9", D(2025, 5, 1), 15_481)],
)
def test_seed_volumes_are_present(entity, month, value):
    v = ha.load("volumes", entity=entity, start=month, end=month, all_values=True)
    assert value in v.filter(pl.col("measure") == "deliveries")["value"].to_list()


# -- coverage floors -------------------------------------------------------------------------------
# Floors can only rise. Each floor is the count the shipped data reaches today (at or above the
# target in issue #3 where the public record met it; see data/README.md, "Coverage against
# targets"), so coverage cannot silently shrink.
FLOORS = [
    # entity, measure, first month, last month (None = latest), minimum months (today's counts)
    ("HIMA", "deliveries", D(2024, 1, 1), D(2026, 2, 1), 19),  # target 18 of 26
    ("AITO", "deliveries", D(2022, 3, 1), None, 27),  # target 24
    ("LI_AUTO", "deliveries", D(2023, 1, 1), D(2026, 2, 1), 38),  # target 90% of 38 months
    ("NIO_INC", "deliveries", D(2023, 1, 1), D(2026, 2, 1), 38),
    ("XPENG", "deliveries", D(2023, 1, 1), D(2026, 2, 1), 38),
    ("LEAPMOTOR", "deliveries", D(2023, 1, 1), None, 33),  # target 80%: met to 2026-02 (32 of 38), see data/README.md
    ("XIAOMI", "deliveries", D(2024, 4, 1), D(2026, 2, 1), 23),  # target 75% of 23 months (23 today, mostly "over N")
    ("ZEEKR", "deliveries", D(2021, 10, 1), None, 22),  # target 75%: short
    ("LUXEED", "deliveries", D(2023, 1, 1), None, 5),  # target 4 (2 exact, 3 lower bounds)
    ("ONVO", "deliveries", D(2024, 9, 1), None, 17),
    ("FIREFLY", "deliveries", D(2025, 4, 1), None, 6),
    ("AVATR", "deliveries", D(2023, 1, 1), None, 5),
]


@pytest.mark.parametrize(("entity", "measure", "first", "last", "minimum"), FLOORS, ids=[f[0] for f in FLOORS])
def test_coverage_floor(entity, measure, first, last, minimum):
    v = ha.load("volumes", entity=entity, start=first, end=last).filter(pl.col("measure") == measure)
    assert v["month"].n_unique() >= minimum


def test_seres_financial_floor():
    f = ha.load("financials", entity="SERES")
    quarters = f.filter(pl.col("period_type") == "Q")
    for metric in ("revenue", "net_profit_attributable"):
        assert quarters.filter(pl.col("metric") == metric).height >= 11, metric  # target 10
    years = f.filter((pl.col("period_type") == "FY") & (pl.col("metric") == "revenue"))["period_start"].dt.year()
    assert set(range(2021, 2025)) <= set(years.to_list())


def test_market_totals_keep_retail_and_wholesale_apart():
    m = ha.load("market")
    assert set(m["measure"].cast(pl.String)) <= {"retail", "wholesale"}
    assert m.filter((pl.col("segment") == "nev_passenger") & (pl.col("measure") == "retail")).height >= 28


def test_reconciliation_within_tolerance_or_documented():
    from hima_analytics.reconcile import reconciliation_report

    report = reconciliation_report()
    flagged = report.filter(pl.col("status") == "flagged")
    assert flagged.is_empty(), flagged.select("check", "entity", "period_start", "reported", "parts_sum").rows()
    assert report.filter(pl.col("status") == "ok").height >= 10  # the checks do bite on real data


def test_every_source_backs_a_row_or_is_cited_in_a_note(catalog):
    used, notes = set(), []
    for name, frame in catalog.frames.items():
        if name != "sources" and "source_id" in frame.columns:
            used |= set(frame["source_id"])
        if name != "sources" and "note" in frame.columns:
            notes += frame["note"].drop_nulls().to_list()
    text = "\n".join(notes)
    orphans = [s for s in set(catalog.frames["sources"]["source_id"]) - used if s not in text]
    assert not orphans, sorted(orphans)
