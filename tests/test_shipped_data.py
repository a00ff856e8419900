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
        ("financials", dict(entity="SERES", start="2024-01-01", end="2024-01-01"), ("net_profit_attributable", 5_946.0)),
        ("financials", dict(entity="SERES", start="2025-01-01", end="2025-01-01"), ("gross_margin", 0.289)),
        ("financials", dict(entity="SERES", start="2025-01-01", end="2025-01-01"), ("payments_to_huawei", 20_000.0)),
    ],
)
def test_seed_financials_are_present(dataset, filters, expected):
    frame = ha.load(dataset, all_values=True, **filters)
    metric, value = expected
    values = frame.filter(pl.col("metric") == metric)["value"].to_list()
    assert value in values


@pytest.mark.parametrize(("entity", "month", "value"),
                         [("HIMA", D(2025, 6, 1), 52_747), ("STELATO_S9", D(2025, 6, 1), 4_215),
                          ("AITO_M9", D(2025, 5, 1), 15_481)])
def test_seed_volumes_are_present(entity, month, value):
    v = ha.load("volumes", entity=entity, start=month, end=month, all_values=True)
    assert value in v.filter(pl.col("measure") == "deliveries")["value"].to_list()
