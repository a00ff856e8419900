"""The outlook's rules on synthetic series: one forecast shown everywhere, no negative volumes,
Chinese New Year in the baseline, honest wording with too few origins or observations, event
labels, and the check against published parts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from report_checks import plain

from hima_analytics import narrative as hn_text
from hima_analytics import statistics as st
from hima_analytics.narrative import outlook
from hima_analytics.statistics.breaks import MIN_CONCLUSIVE_SIDE, conclusive
from hima_analytics.statistics.forecasting import forecast_frame, truncation_note
from hima_analytics.statistics.models import ModelSpec, fit_forecast
from hima_analytics.statistics.months import MonthRun
from hima_analytics.statistics.seasonal import GROWTH_LABEL, growth_seasonal_frame, yoy_growth


def frame(pairs: dict[dt.date, float]) -> pl.DataFrame:
    return pl.DataFrame({"month": list(pairs), "value": [float(v) for v in pairs.values()]})


def months(start: dt.date, n: int) -> list[dt.date]:
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(n)]


# A HIMA-like record: Jan-Feb and May-Dec 2024 published, a gap, then May 2025 - Jan 2026.
YEAR_AGO = {dt.date(2024, 1, 1): 30_000, dt.date(2024, 2, 1): 20_000} | {
    m: 40_000 for m in months(dt.date(2024, 5, 1), 8)
}
RECENT = dict(zip(months(dt.date(2025, 5, 1), 8), [44_000, 52_000, 48_000, 45_000, 60_000, 80_000, 80_000, 80_000]))
SHORT_RUN = {
    dt.date(2025, 1, 1): 35_000,
    dt.date(2025, 2, 1): 21_000,
    **YEAR_AGO,
    **RECENT,
    dt.date(2026, 1, 1): 58_000,
}


# ---------------------------------------------------------------- one forecast, shown everywhere


@pytest.mark.parametrize("seed", [0, 5])
def test_the_selected_row_the_path_and_the_sentence_are_one_model(seed):
    rng = np.random.default_rng(seed)
    t = np.arange(48)
    y = 5000 + 40 * t + 600 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 80, 48)
    res = st.forecast(frame(dict(zip(months(dt.date(2021, 1, 1), 48), y, strict=True))), horizon=6)
    assert not res.indicative and res.origins >= 3
    assert res.backtest.filter(pl.col("role") == "selected")["model"].to_list() == [res.shown]
    assert res.forecast["model"].unique().to_list() == [res.shown]
    status = plain(hn_text.forecast_status(res, res.summary, download="f", entity="HIMA"))
    first = res.forecast.sort("month").row(0, named=True)
    assert f"{first['mean']:,.0f}" in status


def test_too_few_origins_select_nothing_and_say_the_outlook_is_indicative():
    res = st.forecast(frame(SHORT_RUN), horizon=6)
    assert res.origins == 1 and res.indicative and not res.beats_baselines
    assert res.backtest.filter(pl.col("role") == "selected").is_empty()
    assert "shown, untested" not in res.backtest["role"].to_list()
    assert "indicative, not a tested forecast" in res.summary
    status = plain(hn_text.forecast_status(res, res.summary, download="f", entity="HIMA"))
    assert status.startswith("鸿蒙智行 HIMA: indicative only, not a tested forecast.")
    assert "allow 1 backtest origin, and at least 3 are needed" in status
    assert "(s)" not in status and "(s)" not in res.summary


# ---------------------------------------------------------------- Chinese New Year


def test_growth_seasonal_baseline_by_hand():
    f = frame(SHORT_RUN).rename({"value": "y"})
    # latest three year-on-year ratios outside Jan/Feb: Dec 80/40, Nov 80/40, Oct 80/40
    assert yoy_growth(f, dt.date(2026, 1, 1)) == pytest.approx(2.0)
    path = growth_seasonal_frame(f, dt.date(2026, 1, 1), 6)
    # Jan 2026 is published, so the pair grows as January did (58,000 / 35,000), not by the
    # autumn's 2.0: Feb 2026 = 56,000 * 58/35 - 58,000 = 34,800; Mar 2025 is absent, so it stops
    assert path["month"].to_list() == [dt.date(2026, 2, 1)]
    assert path["mean"][0] == pytest.approx(34_800)
    assert path["lower"].null_count() == 1


def test_growth_seasonal_baseline_moves_the_trough_with_the_holiday():
    # New Year 2025 fell in January (29 Jan), 2026 in February (17 Feb): with neither month of
    # 2026 published, the trough (the smaller share of the year-earlier pair) goes to February.
    data = {dt.date(2025, 1, 1): 20_000, dt.date(2025, 2, 1): 60_000} | {
        m: 50_000 for m in months(dt.date(2024, 9, 1), 4)
    }
    data |= {m: 50_000 for m in months(dt.date(2025, 9, 1), 4)}  # growth 1.0
    f = frame(data).rename({"value": "y"})
    path = growth_seasonal_frame(f, dt.date(2025, 12, 1), 2)
    assert path["mean"].to_list() == [pytest.approx(60_000), pytest.approx(20_000)]


def test_indicative_forecast_through_february_is_the_new_year_baseline_not_a_flat_line():
    res = st.forecast(frame(SHORT_RUN), horizon=6)
    assert res.shown == GROWTH_LABEL
    feb = res.forecast.filter(pl.col("month") == dt.date(2026, 2, 1))["mean"][0]
    assert feb == pytest.approx(34_800) and feb < 58_000  # not the flat naive 58,000
    assert "The path stops at Feb 2026 (1 month of the 6 asked for)" in res.summary
    assert "Mar 2025 was not published" in res.summary


def test_without_a_year_earlier_a_flat_path_stops_before_the_new_year():
    y = dict(
        zip(months(dt.date(2025, 3, 1), 9), [40_000, 42_000, 44_000, 45_000, 47_000, 50_000, 52_000, 55_000, 57_000])
    )
    res = st.forecast(frame(y), horizon=6)  # ends Nov 2025
    assert res.indicative and res.shown == "naive"
    assert res.forecast["month"].to_list() == [dt.date(2025, 12, 1)]
    assert "a flat path cannot cross the Chinese New Year trough" in res.summary
    y[dt.date(2025, 12, 1)] = 60_000
    res = st.forecast(frame(y), horizon=6)  # ends Dec: nothing can be shown
    assert res.forecast.is_empty() and "No path is shown" in res.summary
    status = plain(hn_text.forecast_status(res, res.summary, download="f", entity="HIMA"))
    assert status.startswith("鸿蒙智行 HIMA: no outlook. 10 consecutive published months")


# ---------------------------------------------------------------- no negative volumes


def test_negative_bounds_are_truncated_at_zero_with_the_model_value_in_a_note():
    y = [900, 200, 1000, 100, 950, 150, 1000, 80, 900, 120]
    run = MonthRun(months(dt.date(2025, 1, 1), 10), [float(v) for v in y])
    own = fit_forecast(run.values, ModelSpec.naive(), horizon=4, level=0.8)
    assert min(own.lower) < 0  # the model's own interval reaches below zero
    f = forecast_frame(ModelSpec.naive(), run, 4, 0.8)
    assert f["lower"].min() >= 0 and f["mean"].min() >= 0
    for lo, note in zip(own.lower, f["note"].to_list(), strict=True):
        assert (note is None) == (lo >= 0)
        if note:
            assert note == f"interval low truncated at zero (the model gives {lo:,.0f})"
    assert truncation_note(-5.0, -20.0).startswith("forecast and interval low truncated at zero")


def test_interval_columns_print_as_whole_vehicles():
    from hima_analytics import display as hd

    check = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "lower": [44_909.7], "upper": [72_063.4]})
    html = hd.table(
        check, title="t", columns={"lower": hd.Col("Interval low", kind="int"), "upper": hd.Col("Hi", kind="int")}
    ).as_raw_html()
    assert "44,910" in html and "72,063" in html and "44,909.70" not in html


# ---------------------------------------------------------------- checked against published parts


def test_published_parts_are_stated_as_a_share_of_the_forecast():
    fc = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "mean": [45_000.0], "lower": [None], "upper": [None]})
    parts = pl.DataFrame(
        {"entity": ["AITO"], "month": [dt.date(2026, 2, 1)], "value": [18_000], "qualifier": ["about"]}
    )
    totals = pl.DataFrame(schema={"month": pl.Date, "value": pl.Int64})
    check = st.against_record(fc.with_columns(pl.col("lower", "upper").cast(pl.Float64)), totals, parts)
    row = check.row(0, named=True)
    assert row["parts_floor"] == 18_000 and row["parts_share"] == pytest.approx(0.4)
    assert row["parts_share_qualifier"] == "about"
    sentence = plain(hn_text.forecast_checks(check, parts, download="c"))
    assert sentence == "问界 AITO's ≈ 18,000 in Feb 2026 alone is ≈ 40% of the forecast for the alliance (45,000)."
    low = st.against_record(
        fc.with_columns(pl.lit(15_000.0).alias("mean"), pl.col("lower", "upper").cast(pl.Float64)), totals, parts
    )
    assert "contradict" in plain(hn_text.forecast_checks(low, parts, download="c"))


# ---------------------------------------------------------------- structural breaks


def share_frame(values, start=dt.date(2024, 5, 1)):
    return pl.DataFrame({"month": months(start, len(values)), "share": values})


def test_a_chow_test_with_few_observations_on_a_side_is_inconclusive():
    rng = np.random.default_rng(3)
    s = list(0.8 + rng.normal(0, 0.01, 10))
    res = st.share_breaks(share_frame(s), break_dates=[dt.date(2024, 8, 1)])
    chow = res.tests.filter(pl.col("test") == "Chow").row(0, named=True)
    assert (chow["n_before"], chow["n_after"]) == (3, 7)
    assert chow["p_value"] >= 0.05 and chow["conclusive"] is False
    assert chow["note"].startswith("inconclusive: 3 observations before Aug 2024")
    sentence = plain(hn_text.share_breaks_status(res.tests, part="AITO", whole="HIMA"))
    assert sentence.startswith("The tests cannot say whether 问界 AITO's share of 鸿蒙智行 HIMA broke")
    assert "the Chow test at Aug 2024 has 3 months before it" in sentence
    assert "No test finds a break" not in sentence


def test_the_minimum_observation_rule():
    assert MIN_CONCLUSIVE_SIDE == 12
    assert not conclusive("Chow", 0.5, 11, 30) and conclusive("Chow", 0.5, 12, 12)
    assert not conclusive("Chow", 0.01, 3, 4)  # significant, but on too few months to be firm
    assert not conclusive("CUSUM", 0.5, 23, None) and conclusive("CUSUM", 0.5, 24, None)


def test_enough_observations_and_no_break_says_no_break():
    rng = np.random.default_rng(4)
    s = list(0.7 + rng.normal(0, 0.01, 30))
    res = st.share_breaks(share_frame(s, dt.date(2023, 1, 1)), break_dates=[dt.date(2024, 3, 1)])
    assert res.tests["conclusive"].to_list() == [True, True]
    assert plain(hn_text.share_breaks_status(res.tests, part="AITO", whole="HIMA")).startswith("No test finds a break")


def test_a_significant_break_on_a_thin_sample_is_a_signal_not_an_established_break():
    s = [0.85, 0.86, 0.84, 0.85, 0.70, 0.69, 0.71, 0.70, 0.69, 0.70]
    res = st.share_breaks(share_frame(s), break_dates=[dt.date(2024, 9, 1)])
    sentence = plain(hn_text.share_breaks_status(res.tests, part="AITO", whole="HIMA"))
    assert "is significant at 5% at Sep 2024" in sentence
    assert "but on only 4 months before Sep 2024 and 6 months from it" in sentence
    chow = res.tests.row(0, named=True)
    assert chow["p_value"] < 0.05 and chow["conclusive"] is False
    assert chow["note"].startswith("significant on few observations: 4 observations before Sep 2024")


# ---------------------------------------------------------------- event effects


def test_event_labels_name_repeats_by_month_and_the_shared_note_lists_every_event():
    t = np.arange(36)
    y = 1000 + 5 * t + np.where(t >= 20, 300, 0) + 20 * np.sin(t * 2.1)
    ev = pl.DataFrame(
        {
            "date": [dt.date(2019, 12, 1), dt.date(2020, 9, 6), dt.date(2021, 9, 1), dt.date(2021, 9, 23),
                     dt.date(2021, 9, 23)],
            "event_type": ["launch", "launch", "partner_join", "launch", "launch"],
            "description": ["a", "b", "c", "d", "d again"],
            "label": ["M5 launch", "M5 launch", "Shangjie partner join", "H5 launch", "H5 launch"],
        }
    )  # fmt: skip
    res = st.event_effects(frame(dict(zip(months(dt.date(2020, 1, 1), 36), y, strict=True))), ev)
    eff = res.effects
    assert eff["event"].to_list() == [
        "M5 launch (Dec 2019)",
        "M5 launch (Sep 2020)",
        "Shangjie partner join; H5 launch",
    ]
    shared = eff.filter(pl.col("month") == dt.date(2021, 9, 1))["note"][0]
    assert shared == "2 events in Sep 2021 share one indicator: Shangjie partner join and H5 launch"
    unestimated = plain(hn_text.event_effects_unestimated(eff))
    assert unestimated == (
        "Not estimated, as the published record has no month before them (1 event): M5 launch (Dec 2019)."
    )
    assert "(s)" not in res.summary


# ---------------------------------------------------------------- the indicative range (no model selected)


def test_the_february_baseline_uses_the_known_january_growth_and_states_its_sum():
    res = st.forecast(frame(SHORT_RUN), horizon=6)
    # the autumn ratio (2.0) would give 56,000 * 2 - 58,000 = 54,000; January's own 58/35 gives 34,800
    assert "Feb 2026 = (Jan + Feb 2025: 56,000) × 1.657 (Jan 2026 over Jan 2025) − Jan 2026 (58,000) = 34,800" in (
        res.summary
    )


def test_without_a_selected_model_the_page_gets_a_range_not_one_number():
    res = st.forecast(frame(SHORT_RUN), horizon=6)
    alts = res.alternatives
    assert alts["month"].unique().to_list() == [dt.date(2026, 2, 1)]
    values = dict(zip(alts["model"].to_list(), alts["mean"].to_list(), strict=True))
    assert values["naive"] == pytest.approx(58_000)  # the flat path: January again
    assert values["seasonal naive (same month a year earlier)"] == pytest.approx(21_000)
    assert values[GROWTH_LABEL] == pytest.approx(34_800)
    assert alts["mean"].to_list() == sorted(alts["mean"].to_list())
    # the lowest-error row is the lowest backtest MASE among the rows shown
    best = alts.filter(pl.col("lowest_error"))
    assert best.height == 1 and best["mase"][0] == alts["mase"].min()
    assert set(alts["new_year"].to_list()) == {"seasonal", "flat or trend"}
    status = plain(hn_text.forecast_status(res, res.summary, download="f", entity="HIMA"))
    assert "so no single value is the outlook" in status
    top = alts.row(-1, named=True)  # every candidate tested is in the range, not only the lowest-error one
    assert (
        f"range from 21,000 by seasonal naive (same month a year earlier) to {top['mean']:,.0f} by {top['model']}"
        in (status)
    )
    assert f"{best['model'][0]} has the lowest backtest error" in status
    assert "1 backtest origin cannot choose between them" in status
    assert " puts Feb 2026 at " not in status


def test_a_tested_forecast_has_no_range():
    t = np.arange(48)
    y = 5000 + 40 * t + 600 * np.sin(2 * np.pi * t / 12)
    res = st.forecast(frame(dict(zip(months(dt.date(2021, 1, 1), 48), y, strict=True))), horizon=3)
    assert not res.indicative and res.alternatives.is_empty()


# ---------------------------------------------------------------- the total the published parts imply


def _implied_fixture():
    feb = dt.date(2026, 2, 1)
    parts = pl.DataFrame({"month": [feb], "entity": ["AITO"], "value": [18_000], "qualifier": ["about"]})
    shares = pl.DataFrame(
        {
            "month": [dt.date(2025, m, 1) for m in (1, 2, 3, 4)],
            "entity": ["AITO"] * 4,
            "share": [0.69, 0.5, 0.6, 0.9],
        }
    )
    values = pl.DataFrame(
        {"model": ["naive", "growth", "seasonal"], "month": [feb] * 3, "mean": [45_000.0, 30_000.0, 16_000.0]}
    )
    return parts, shares, values


def test_the_implied_total_is_the_part_over_its_share_range():
    parts, shares, _ = _implied_fixture()
    r = st.implied_totals(parts, shares, months=None).row(0, named=True)
    assert (r["share_min"], r["share_min_month"]) == (0.5, dt.date(2025, 2, 1))
    assert (r["share_max"], r["share_max_month"]) == (0.9, dt.date(2025, 4, 1))
    assert r["share_months"] == 4
    assert r["implied_low"] == pytest.approx(20_000) and r["implied_high"] == pytest.approx(36_000)
    assert r["implied_low_qualifier"] == r["implied_high_qualifier"] == "about"
    over = st.implied_totals(parts.with_columns(pl.lit("over").alias("qualifier")), shares, months=None).row(
        0, named=True
    )
    assert over["implied_low"] == pytest.approx(20_000) and over["implied_high"] is None  # a floor bounds one end


def test_values_outside_the_implied_range_are_said_to_point_lower_or_higher_and_by_how_much():
    parts, shares, values = _implied_fixture()
    implied = st.implied_totals(parts, shares, months=None)
    check = st.against_implied(values, implied)
    got = {r["model"]: (r["position"], r["gap"], r["gap_share"]) for r in check.iter_rows(named=True)}
    assert got["naive"] == ("above", pytest.approx(9_000), pytest.approx(0.2))  # 45,000 - 36,000
    assert got["growth"] == ("inside", 0.0, 0.0)
    assert got["seasonal"] == ("below", pytest.approx(4_000), pytest.approx(0.25))  # 20,000 - 16,000
    sentence = plain(outlook.implied_check(check, implied, whole="HIMA", download="c", implied_download="i"))
    assert sentence.startswith(
        "问界 AITO's ≈ 18,000 in Feb 2026, with its share of 鸿蒙智行 HIMA between 50.0% (Feb 2025) and 90.0% "
        "(Apr 2025) over the 4 months of Jan–Apr 2025 in which both were published, implies a 鸿蒙智行 HIMA "
        "total of ≈ 20,000 to ≈ 36,000."
    )
    # the share is of the model's own value (9,000 / 45,000), said so; never "beyond the top", which reads as
    # a share of the range's end (9,000 / 36,000 = 25%)
    assert "The published parts point lower than naive (45,000; ≈ 9,000 above the top, ≈ 20% of its value)." in (
        sentence
    )
    assert (
        "The published parts point higher than seasonal (16,000; ≈ 4,000 below the bottom, ≈ 25% of its value)."
        in sentence
    )
    assert "beyond the" not in sentence
    assert "Inside that range: growth." in sentence
    assert "consistent" not in sentence


# ---------------------------------------------------------------- the chart of indicative values


def test_the_indicative_chart_draws_every_value_in_the_legend_and_inside_the_axis():
    from hima_analytics.display import band_forecast

    res = st.forecast(frame(SHORT_RUN), horizon=6)
    hist = frame(SHORT_RUN).with_columns(pl.lit("exact").alias("qualifier"))
    implied = pl.DataFrame(
        {"month": [dt.date(2026, 2, 1)], "implied_low": [20_000.0], "implied_high": [36_000.0], "label": ["Implied"]}
    )
    caption = hn_text.forecast_caption(res, implied="问界 AITO")
    chart = band_forecast(
        hist, res.forecast.clear(), alternatives=res.alternatives, implied=implied, title="t", subtitle=caption
    ).to_dict()
    layers = chart["layer"]
    domains = [lyr["encoding"]["x"]["scale"]["domain"] for lyr in layers if "scale" in lyr["encoding"].get("x", {})]
    assert domains and all(d[1] > "2026-02-28" for d in domains)  # padded past the last point
    colour = next(
        lyr["encoding"]["color"]
        for lyr in layers
        if lyr["mark"]["type"] == "point" and lyr["encoding"].get("color", {}).get("field") == "series"
    )
    assert colour["scale"]["domain"] == [*res.alternatives["model"].to_list(), "Implied"]
    assert colour["legend"] is not None
    assert not any("Dashed" in line for line in caption)
    assert any(line.startswith("Coloured markers: each model's and baseline's value for Feb 2026") for line in caption)
    assert any(line.startswith("Grey bar: the total implied by 问界 AITO's figure") for line in caption)


def test_a_one_month_path_is_captioned_as_a_marker_not_a_dashed_path():
    class One:
        indicative = False
        alternatives = pl.DataFrame()
        shown = "naive"
        level = 0.8
        origins = 6
        forecast = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "mean": [1.0], "lower": [None], "upper": [None]})

    lines = hn_text.forecast_caption(One())
    assert lines == ["Marker: the naive (no interval)"]


# ---------------------------------------------------------------- break dates, names and rival events


def test_break_dates_print_at_their_events_precision_and_tests_have_proper_names():
    assert st.event_when(dt.date(2024, 8, 1), "month") == "Aug 2024"
    assert st.event_when(dt.date(2025, 5, 30), "day") == "30 May 2025"
    rng = np.random.default_rng(3)
    res = st.share_breaks(share_frame(list(0.8 + rng.normal(0, 0.01, 10))), break_dates=[dt.date(2024, 8, 1)])
    assert res.tests["test"].to_list() == ["Chow", "CUSUM"]
    tested = pl.DataFrame({"date": [dt.date(2024, 8, 1)], "date_precision": ["month"], "label": ["Stelato S9 launch"]})
    described = st.describe_breaks(res.tests, tested, tested)
    assert described["when"].to_list() == ["Aug 2024", None]
    sentence = plain(hn_text.share_breaks_status(described, part="AITO", whole="HIMA"))
    assert "the Chow test at the Stelato S9 launch (Aug 2024) has 3 months before it" in sentence
    assert "1 Aug 2024" not in sentence


def test_a_significant_break_next_to_other_events_cannot_be_attributed():
    s = [0.85, 0.86, 0.84, 0.85, 0.70, 0.69, 0.71, 0.70, 0.69, 0.70]  # May 2024 - Feb 2025, drop in Sep 2024
    res = st.share_breaks(share_frame(s), break_dates=[dt.date(2024, 9, 30)])
    tested = pl.DataFrame({"date": [dt.date(2024, 9, 30)], "date_precision": ["day"], "label": ["S800 launch"]})
    events = pl.DataFrame(
        {
            "date": [dt.date(2024, 8, 16), dt.date(2024, 9, 30), dt.date(2024, 12, 1)],
            "date_precision": ["day", "day", "month"],
            "label": ["M8 launch", "S800 launch", "far event"],
        }
    )
    described = st.describe_breaks(res.tests, tested, events)
    assert described["nearby"].to_list() == [["M8 launch (16 Aug 2024)"], []]  # Dec is 3 months away
    sentence = plain(hn_text.share_breaks_status(described, part="AITO", whole="HIMA"))
    assert "is significant at 5% at the S800 launch (30 Sep 2024)" in sentence
    assert sentence.endswith("It coincides with M8 launch (16 Aug 2024), so the test cannot attribute it to one event.")
    alone = st.describe_breaks(res.tests, tested, tested)
    assert "cannot attribute" not in plain(hn_text.share_breaks_status(alone, part="AITO", whole="HIMA"))


def test_the_implied_total_uses_only_the_shares_of_the_last_twelve_months():
    parts, shares, _ = _implied_fixture()
    recent = pl.concat([shares, pl.DataFrame({"month": [dt.date(2025, 9, 1)], "entity": ["AITO"], "share": [0.65]})])
    r = st.implied_totals(parts, recent).row(0, named=True)
    # Jan 2025 falls outside the 12 months before Feb 2026 (Feb 2025-Jan 2026); Feb, Mar, Apr and Sep remain,
    # so February's seasonal low counts.
    assert r["share_months"] == 4 and (r["share_min"], r["share_max"]) == (0.5, 0.9)
    assert (r["window_start"], r["window_end"]) == (dt.date(2025, 2, 1), dt.date(2026, 1, 1))


# ---------------------------------------------------------------- every candidate, when none can be chosen


def test_too_few_origins_show_every_candidate_tested_and_choose_none_by_the_backtest():
    res = st.forecast(frame(SHORT_RUN), horizon=6)
    candidates = res.backtest.filter(pl.col("role") == "candidate")["model"].to_list()
    assert len(candidates) > 1
    # every model with a backtest error also has a value, side by side: table, chart and implied check
    assert sorted(res.alternatives["model"].to_list()) == sorted(res.backtest["model"].to_list())
    assert set(candidates) <= set(res.forecasts["model"].to_list())
    # the one-origin backtest does not pick a "best candidate" while saying it cannot choose
    assert "then backtest MASE" not in res.summary and "Best candidate" not in res.summary
    assert "Candidates: " + ", ".join(candidates[:-1]) + " and " + candidates[-1] in res.summary
    status = plain(hn_text.forecast_status(res, res.summary, download="f", entity="HIMA"))
    assert f"the {res.alternatives.height} models and baselines range from" in status
    implied = pl.DataFrame(
        {
            "month": [dt.date(2026, 2, 1)],
            "entity": ["AITO"],
            "implied_low": [20_000.0],
            "implied_high": [34_000.0],
            "implied_low_qualifier": ["about"],
            "implied_high_qualifier": ["about"],
        }
    )
    check = st.against_implied(res.alternatives.select("model", "month", "mean"), implied)
    assert sorted(check["model"].to_list()) == sorted(res.backtest["model"].to_list())


def test_with_enough_origins_the_selected_model_is_still_chosen_by_the_backtest():
    t = np.arange(48)
    y = 5000 + 40 * t + 600 * np.sin(2 * np.pi * t / 12)
    res = st.forecast(frame(dict(zip(months(dt.date(2021, 1, 1), 48), y, strict=True))), horizon=3)
    assert not res.indicative and "then backtest MASE" in res.summary and "Candidates:" not in res.summary
    assert res.backtest.filter(pl.col("role") == "selected")["model"].to_list() == [res.shown]


def test_months_left_out_are_left_out_of_the_fitted_models_not_of_the_seasonal_baselines():
    from hima_analytics.statistics.forecasting import seasonal_reads
    from hima_analytics.statistics.months import clean_series, latest_run

    res = st.forecast(frame(SHORT_RUN), horizon=6)
    assert "were left out of the fitted models and the naive baseline" in res.summary
    # Feb 2026 reads Jan and Feb 2025; the backtest months Nov 2025 - Jan 2026 read Nov 2024 - Jan 2025
    assert "so they do read months from before the latest gap: Nov 2024 – Feb 2025." in res.summary
    f = clean_series(frame(SHORT_RUN), value="value", month="month", where="test")
    reads = seasonal_reads(f, latest_run(f), res.forecasts, res.backtest, 6)
    assert reads == [dt.date(2024, 11, 1), dt.date(2024, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    # with no seasonal value and nothing scored, nothing is read
    none = res.forecasts.filter(~pl.col("model").str.starts_with("seasonal"))
    assert seasonal_reads(f, latest_run(f), none, res.backtest.clear(), 6) == []


def test_markers_that_draw_as_one_are_named_in_the_caption():
    res = st.forecast(frame(SHORT_RUN), horizon=6)
    caption = hn_text.forecast_caption(res)
    close = [line for line in caption if line.startswith("Overlapping markers: ")]
    near = res.alternatives.filter(pl.col("mean") > 57_000)["model"].to_list()  # naive, ETS and SARIMAX(1,0,0)+c
    assert len(close) == 1 and all(m in close[0] for m in near)
    assert outlook.overlapping(res.alternatives.filter(pl.col("mean") < 40_000)) == []


# ---------------------------------------------------------------- a break that one month makes


def _one_month_break():
    """A HIMA-like share: three spring 2024 months and the Feb 2025 New Year trough before the
    break date, seven months after; the trough alone makes the pre-break slope."""
    before = [dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1), dt.date(2025, 2, 1)]
    after = [dt.date(2025, m, 1) for m in range(5, 12)]
    share = [0.847, 0.889, 0.927, 0.526, 0.80, 0.82, 0.86, 0.897, 0.85, 0.83, 0.80]
    return pl.DataFrame({"month": before + after, "share": share})


def test_a_significant_break_that_rests_on_one_month_says_which_and_its_p_without_it():
    res = st.share_breaks(_one_month_break(), break_dates=[dt.date(2025, 5, 30)])
    chow = res.tests.filter(pl.col("test") == "Chow").row(0, named=True)
    assert chow["p_value"] < 0.05
    assert chow["rests_on_one_month"] is True and chow["without_month"] == dt.date(2025, 2, 1)
    assert chow["p_without"] >= 0.05
    # the refit is the same Chow test on the other ten months
    kept = _one_month_break().filter(pl.col("month") != dt.date(2025, 2, 1))
    refit = st.share_breaks(kept, break_dates=[dt.date(2025, 5, 30)]).tests.row(0, named=True)
    assert refit["p_value"] == pytest.approx(chow["p_without"])
    assert f"rests on one month: without Feb 2025 p = {chow['p_without']:.3f}" in chow["note"]
    tested = pl.DataFrame({"date": [dt.date(2025, 5, 30)], "date_precision": ["day"], "label": ["S800 launch"]})
    described = st.describe_breaks(res.tests, tested, tested)
    sentence = plain(outlook.share_breaks_status(described, part="AITO", whole="HIMA", download="b"))
    assert (
        f"It rests on one month: without Feb 2025 (January and February hold the Chinese New Year trough) "
        f"p = {chow['p_without']:.3f}, not significant at 5%." in sentence
    )


def test_a_break_no_single_month_makes_is_not_said_to_rest_on_one():
    s = [0.85, 0.86, 0.84, 0.85, 0.70, 0.69, 0.71, 0.70, 0.69, 0.70]
    res = st.share_breaks(share_frame(s), break_dates=[dt.date(2024, 9, 1)])
    chow = res.tests.row(0, named=True)
    assert chow["p_value"] < 0.05 and chow["rests_on_one_month"] is False and chow["p_without"] < 0.05
    assert "rests on one month" not in plain(hn_text.share_breaks_status(res.tests, part="AITO", whole="HIMA"))
    calm = st.share_breaks(share_frame([0.8, 0.81, 0.79, 0.8, 0.8, 0.81, 0.79, 0.8]), break_dates=[dt.date(2024, 8, 1)])
    assert calm.tests.row(0, named=True)["without_month"] is None  # only a significant break is refitted


# ---------------------------------------------------------------- the trend the section promises


def test_the_share_trend_is_reported_in_points_a_month_from_the_same_fit():
    res = st.share_breaks(_one_month_break(), break_dates=[dt.date(2025, 5, 30)])
    trend = res.trend.filter(pl.col("term") == "trend")
    r = trend.row(0, named=True)
    assert (r["n_obs"], r["first_month"], r["last_month"], r["level"]) == (
        11,
        dt.date(2024, 4, 1),
        dt.date(2025, 11, 1),
        0.95,
    )
    sentence = plain(outlook.share_trend_status(trend, part="AITO", whole="HIMA", download="t"))
    slope = f"{r['coef'] * 100:+.2f} pp"
    assert f"changed by {slope} a month" in sentence
    assert f"({r['ci_low'] * 100:+.2f} pp to {r['ci_high'] * 100:+.2f} pp)" in sentence
    assert "over the 11 months with both figures (Apr 2024–Nov 2025)" in sentence
    assert ("includes zero" in sentence) == (r["ci_low"] < 0 < r["ci_high"])


# ---------------------------------------------------------------- which standard error each interval uses


def test_the_method_sentence_names_the_standard_error_each_interval_uses_and_the_gaps():
    rng = np.random.default_rng(0)
    n = 20
    t = np.arange(n)
    y = 40_000 + 500 * t + np.where(t >= 6, 3_000, 0) + np.where(t >= 13, -2_000, 0) + rng.normal(0, 1_500, n)
    series = frame(dict(zip(months(dt.date(2024, 4, 1), n), y, strict=True))).filter(
        ~pl.col("month").is_in([dt.date(2024, 10, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1)])
    )
    ev = pl.DataFrame(
        {
            "date": [dt.date(2024, 10, 15), dt.date(2025, 5, 2)],
            "event_type": ["launch", "launch"],
            "description": ["a", "b"],
            "label": ["First launch", "Second launch"],
        }
    )
    res = st.event_effects(series, ev)
    est = res.effects.filter(pl.col("effect").is_not_null())
    for r in est.iter_rows(named=True):
        larger = "HAC" if r["se_hac"] >= r["se_ordinary"] else "ordinary"
        assert r["se_kind"] == larger and r["std_error"] == max(r["se_hac"], r["se_ordinary"])
        assert (r["ci_high"] - r["effect"]) / r["std_error"] == pytest.approx(
            (r["ci_high"] - r["ci_low"]) / 2 / r["std_error"]
        )
    assert res.absent == (dt.date(2024, 10, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1))
    sentence = plain(outlook.event_effects_method(res))
    assert est["se_kind"].to_list() == ["HAC", "ordinary"]  # this seed gives one of each
    assert (
        "The HAC one is used for 1 event indicator, the ordinary one, being larger, for the other one; the table "
        "says which for each." in sentence
    )
    assert "The record has no figure for Oct 2024 and Mar–Apr 2025; the HAC lags run across these gaps" in sentence


def test_the_method_sentence_never_claims_hac_for_an_ordinary_interval():
    class Fake:
        hac_lags = 2
        absent = ()
        effects = pl.DataFrame(
            {
                "event": ["A", "B"],
                "month": [dt.date(2024, 8, 1), dt.date(2025, 9, 1)],
                "effect": [1.0, 2.0],
                "se_kind": ["ordinary", "ordinary"],
            }
        )

    sentence = plain(outlook.event_effects_method(Fake()))
    assert sentence.startswith("The 95% confidence intervals use the ordinary OLS standard errors")
    assert "run across" not in sentence


# ---------------------------------------------------------------- what the chart's download holds


def test_the_chart_download_holds_every_mark_the_chart_draws():
    from hima_analytics.statistics.record import drawn_figures

    res = st.forecast(frame(SHORT_RUN), horizon=6)
    hist = frame(SHORT_RUN).with_columns(pl.lit("exact").alias("qualifier"), pl.lit("src").alias("source_id"))
    parts, shares, _ = _implied_fixture()
    implied = st.implied_totals(parts, shares, months=None)
    drawn = drawn_figures(
        hist, whole="HIMA", values=res.alternatives.select("model", "month", "mean"), implied=implied, parts=parts
    )
    kinds = drawn.group_by("kind").len().sort("kind")
    assert dict(kinds.iter_rows()) == {
        "published": hist.height,
        "indicative value": res.alternatives.height,
        "implied total": 1,
        "published part": 1,
    }
    imp = drawn.filter(pl.col("kind") == "implied total").row(0, named=True)
    assert (imp["lower"], imp["upper"], imp["lower_qualifier"]) == (
        pytest.approx(20_000),
        pytest.approx(36_000),
        "about",
    )
    part = drawn.filter(pl.col("kind") == "published part").row(0, named=True)
    assert (part["entity"], part["value"], part["qualifier"]) == ("AITO", 18_000.0, "about")
    path = drawn_figures(hist, whole="HIMA", forecast=res.forecast)
    assert path.filter(pl.col("kind") == "forecast").height == res.forecast.height


# ---------------------------------------------------------------- what the run table covers


def test_the_run_table_counts_bounds_over_the_whole_series_and_says_which_series_it_covers():
    f = pl.DataFrame(
        {
            "entity": ["AITO"] * 5,
            "month": [dt.date(2022, 6, 1)] + [dt.date(2023, m, 1) for m in (10, 11, 12)] + [dt.date(2025, 12, 1)],
            "value": [5_000, 1, 2, 3, 57_000],
            "qualifier": ["over", "exact", "exact", "exact", "over"],
        }
    )
    row = st.count_runs(f).row(0, named=True)
    assert (row["run"], row["from"], row["to"], row["bounds_in_series"]) == (
        3,
        dt.date(2023, 10, 1),
        dt.date(2023, 12, 1),
        2,  # both bounds lie outside the run, as every bound must: it is a gap
    )
    said = plain(outlook.runs_coverage(st.count_runs(f), ["AITO", "MAEXTRO", "SHANGJIE"]))
    assert said == (
        "The table covers the series with monthly delivery counts; 尊界 Maextro and 尚界 Shangjie publish none, "
        "so they have no row."
    )
