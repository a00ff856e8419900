"""What the data records travels through every metric: measures and perimeters stay apart,
bounds stay bounds, gaps stay gaps."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from hima_analytics.errors import MixedSeriesError
from hima_analytics.metrics import (
    complete_months,
    cumulative,
    mom,
    peak_month,
    rolling_mean,
    run_rate,
    share_change_contributions,
    trailing_sum,
    yoy,
    ytd,
)
from hima_analytics.metrics.qualifiers import qualifier_of_ratio, qualifier_of_sum

D = dt.date


def test_yoy_never_compares_wholesale_with_deliveries():
    # Luxeed: Feb-2026 wholesale 945 against Feb-2025 deliveries 9,580 is not -90%.
    df = pl.DataFrame(
        {
            "entity": ["LUXEED"] * 2,
            "month": [D(2025, 2, 1), D(2026, 2, 1)],
            "measure": ["deliveries", "wholesale"],
            "value": [9_580, 945],
        }
    )
    out = yoy(df)
    assert out["yoy"].to_list() == [None, None]
    assert set(out["measure"]) == {"deliveries", "wholesale"}


def test_perimeters_are_separate_series():
    df = pl.DataFrame(
        {
            "entity": ["BYD"] * 3,
            "month": [D(2024, 3, 1), D(2025, 3, 1), D(2025, 3, 1)],
            "perimeter": ["all", "passenger", "all"],
            "value": [300_000, 371_419, 377_420],
        }
    )
    out = yoy(df).filter(pl.col("month") == D(2025, 3, 1)).sort("perimeter")
    assert out["yoy"].to_list() == [pytest.approx(377_420 / 300_000 - 1), None]


def test_calendars_are_per_series():
    df = pl.DataFrame(
        {
            "entity": ["A"] * 3,
            "month": [D(2025, 1, 1), D(2025, 3, 1), D(2025, 2, 1)],
            "measure": ["deliveries", "deliveries", "wholesale"],
            "value": [1, 3, 2],
        }
    )
    full = complete_months(df)
    assert full.filter(pl.col("measure") == "deliveries")["value"].to_list() == [1, None, 3]
    assert full.filter(pl.col("measure") == "wholesale")["value"].to_list() == [2]


def test_bounds_propagate_through_sums_means_and_growth():
    months = [D(2025, m, 1) for m in (1, 2, 3)]
    df = pl.DataFrame(
        {
            "entity": ["XIAOMI"] * 3,
            "month": months,
            "value": [20_000, 20_000, 30_000],
            "qualifier": ["over", "over", "exact"],
        }
    )
    # YoY/MoM of "over 20,000" against "over 20,000" is unknown, not 0.0%.
    # Exact 30,000 against "over 20,000": growth is below +50%.
    out = mom(df)
    assert out["mom"].to_list() == [None, None, 0.5]
    assert out["mom_qualifier"].to_list() == [None, None, "under"]
    s = trailing_sum(df, window=3)
    assert (s["sum_3m"][2], s["sum_3m_qualifier"][2]) == (70_000, "over")
    m = rolling_mean(df, window=3)
    assert (m["mean_3m"][2], m["mean_3m_qualifier"][2]) == (pytest.approx(70_000 / 3), "over")
    assert run_rate(df, window=3)["run_rate_qualifier"][2] == "over"
    y = ytd(df)
    assert y["ytd_qualifier"].to_list() == ["over", "over", "over"]
    c = cumulative(df)
    assert c["cumulative_qualifier"][2] == "over"


def test_opposite_bounds_give_nothing():
    df = pl.DataFrame(
        {
            "entity": ["S"] * 2,
            "month": [D(2025, 10, 1), D(2025, 11, 1)],
            "value": [1_000, 6_000],
            "qualifier": ["under", "over"],
        }
    )
    y = ytd(df.with_columns(pl.Series("month", [D(2025, 1, 1), D(2025, 2, 1)])))
    assert y["ytd"].to_list() == [1_000, None] and y["ytd_qualifier"].to_list() == ["under", None]


def test_precision_keeps_the_least_precise_point():
    q = pl.DataFrame({"q": ["exact", "rounded", "about"]})
    assert q.select(qualifier_of_sum("q"))["qualifier"][0] == "about"
    pair = pl.DataFrame({"a": ["rounded"], "b": ["exact"]})
    assert pair.select(qualifier_of_ratio("a", "b"))["qualifier"][0] == "rounded"


def test_peak_is_uncertain_when_a_lower_bound_could_beat_it():
    df = pl.DataFrame(
        {
            "entity": ["A"] * 3,
            "month": [D(2025, m, 1) for m in (10, 11, 12)],
            "value": [68_216, 81_864, 57_000],
            "qualifier": ["exact", "exact", "over"],
        }
    )
    row = peak_month(df).row(0, named=True)
    assert row["peak_month"] == D(2025, 11, 1) and row["peak_certain"] is False


def test_decompositions_refuse_pooled_measures_and_bounds():
    a, b = D(2025, 1, 1), D(2025, 2, 1)
    mixed = pl.DataFrame(
        {
            "month": [a, a, b, b],
            "entity": ["A", "B"] * 2,
            "value": [1, 2, 3, 4],
            "measure": ["deliveries", "wholesale"] * 2,
        }
    )
    with pytest.raises(MixedSeriesError, match="measure"):
        share_change_contributions(mixed, target="A", start=a, end=b)
    bounded = mixed.drop("measure").with_columns(pl.Series("qualifier", ["exact", "over", "exact", "exact"]))
    with pytest.raises(MixedSeriesError, match="bounds"):
        share_change_contributions(bounded, target="A", start=a, end=b)


def test_a_powertrain_share_from_bounds_is_a_bound_and_coverage_over_opposite_bounds_is_null():
    import polars as pl

    from hima_analytics import metrics as hm

    models = pl.DataFrame(
        {
            "entity": ["A", "B"],
            "parent": ["H", "H"],
            "month": [1, 1],
            "value": [7_500, 1_000],
            "qualifier": ["over", "under"],
        }
    )
    powertrains = pl.DataFrame({"entity": ["A", "B"], "powertrain": ["mixed", None]})
    totals = pl.DataFrame({"entity": ["H"], "month": [1], "value": [81_864], "qualifier": ["exact"]})
    mix = {r["powertrain"]: r for r in hm.powertrain_mix(models, powertrains, totals=totals).iter_rows(named=True)}
    # "over 7,500" beside "under 1,000": at least 88.2% and at most 11.8%
    assert (round(mix["mixed"]["share"], 3), mix["mixed"]["share_qualifier"]) == (0.882, "over")
    assert (round(mix["unknown"]["share"], 3), mix["unknown"]["share_qualifier"]) == (0.118, "under")
    # the models' sum has bounds pulling both ways, so how much of the total it covers is unknown
    assert mix["mixed"]["covered"] is None and mix["mixed"]["covered_qualifier"] is None
    exact = hm.powertrain_mix(models.with_columns(qualifier=pl.lit("exact")), powertrains, totals=totals)
    assert exact["covered_qualifier"].to_list() == ["exact", "exact"]
    assert round(exact["covered"][0], 4) == round(8_500 / 81_864, 4)


def test_a_powertrain_alone_is_exactly_all_of_the_models_total_whatever_its_bound():
    import polars as pl

    from hima_analytics import metrics as hm

    models = pl.DataFrame({"entity": ["A"], "parent": ["H"], "month": [1], "value": [400], "qualifier": ["over"]})
    mix = hm.powertrain_mix(models, pl.DataFrame({"entity": ["A"], "powertrain": ["EREV"]}))
    assert mix.select("share", "share_qualifier").rows() == [(1.0, "exact")]
