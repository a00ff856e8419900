"""Statistics on synthetic series whose answer is known (seeded numpy RNG), plus the errors,
determinism and a smoke run on the shipped data."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from report_checks import plain

from hima_analytics import statistics as st
from hima_analytics.statistics import InsufficientData, ModelSpec

START = dt.date(2020, 1, 1)


def monthly(values, *, start: dt.date = START, drop: tuple[int, ...] = ()) -> pl.DataFrame:
    """A volumes-like frame: entity, month (first of month), value; positions in ``drop`` absent."""
    months = [
        dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(len(values))
    ]
    keep = [i for i in range(len(values)) if i not in set(drop)]
    return pl.DataFrame(
        {
            "entity": ["X"] * len(keep),
            "month": [months[i] for i in keep],
            "value": [float(values[i]) for i in keep],
        }
    )


def seasonal_series(n: int = 60, *, seed: int = 1, slope: float = 20.0, amp: float = 300.0, sd: float = 30.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = amp * np.sin(2 * np.pi * t / 12)
    return 1000 + slope * t + season + rng.normal(0, sd, n), season


# ---------------------------------------------------------------- decomposition


def test_decompose_recovers_known_trend_and_seasonality():
    y, season = seasonal_series(60)
    res = st.decompose(monthly(y))
    comp = res.components
    assert comp.height == 60
    assert np.corrcoef(comp["seasonal"].to_numpy(), season)[0, 1] > 0.95
    slope = np.polyfit(np.arange(60), comp["trend"].to_numpy(), 1)[0]
    assert slope == pytest.approx(20.0, rel=0.10)
    assert res.strength["trend"] > 0.9 and res.strength["seasonal"] > 0.9
    assert "gap-free" in res.summary


def test_decompose_mstl_agrees_on_the_seasonal_pattern():
    y, season = seasonal_series(60)
    res = st.decompose(monthly(y), method="mstl")
    assert np.corrcoef(res.components["seasonal"].to_numpy(), season)[0, 1] > 0.95


def test_strength_is_low_for_white_noise():
    rng = np.random.default_rng(0)
    res = st.decompose(monthly(1000 + rng.normal(0, 100, 60)))
    assert res.strength["trend"] < 0.3
    assert res.strength["seasonal"] < 0.4


def test_decompose_flags_the_chinese_new_year_month():
    y, _ = seasonal_series(72, seed=2)
    comp = st.decompose(monthly(y, start=dt.date(2020, 1, 1))).components
    flagged = comp.filter(pl.col("cny_month"))["month"].to_list()
    # 2020-01-25, 2021-02-12, 2022-02-01, 2023-01-22, 2024-02-10, 2025-01-29
    assert flagged == [
        dt.date(2020, 1, 1),
        dt.date(2021, 2, 1),
        dt.date(2022, 2, 1),
        dt.date(2023, 1, 1),
        dt.date(2024, 2, 1),
        dt.date(2025, 1, 1),
    ]
    assert st.cny_date(2026) == dt.date(2026, 2, 17)


def test_decompose_uses_the_longest_contiguous_run_and_says_so():
    y, _ = seasonal_series(40)
    res = st.decompose(monthly(y, drop=(30,)))  # runs of 30 and 9 months
    assert res.components.height == 30
    assert res.components["month"][-1] == dt.date(2022, 6, 1)
    assert "30 consecutive months (Jan 2020 – Jun 2022) was used" in res.summary


def test_decompose_too_short_raises_with_minimum():
    y, _ = seasonal_series(20)
    with pytest.raises(InsufficientData) as err:
        st.decompose(monthly(y))
    assert err.value.minimum == 25
    assert "at least 25 months" in str(err.value) and "20 consecutive months" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_decompose_gappy_raises_naming_the_longest_run():
    y, _ = seasonal_series(40)
    with pytest.raises(InsufficientData, match=r"at least 25 months.*longest contiguous run 10 consecutive month"):
        st.decompose(monthly(y, drop=(10, 21, 32)))


# ---------------------------------------------------------------- backtest


def test_backtest_matches_hand_computation_on_ar1():
    rng = np.random.default_rng(7)
    n, phi = 40, 0.7
    y = np.empty(n)
    y[0] = 1000.0
    for i in range(1, n):
        y[i] = 1000 + phi * (y[i - 1] - 1000) + rng.normal(0, 50)
    spec = ModelSpec.sarimax(order=(1, 0, 0), constant=True)
    res = st.backtest(monthly(y), model=spec, horizon=3, origins=1, baselines=False)
    pred = res.predictions.filter(pl.col("model") == spec.label).sort("step")
    forecast = pred["forecast"].to_numpy()
    train, actual = y[:37], y[37:]  # the single origin leaves exactly `horizon` months
    assert pred["origin"][0] == dt.date(2023, 1, 1)
    # The model's own forecast agrees with a direct statsmodels fit on the training months.
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    direct = SARIMAX(train, order=(1, 0, 0), trend="c").fit(disp=False).forecast(3)
    np.testing.assert_allclose(forecast, direct, rtol=1e-3)
    mape = np.mean(np.abs(actual - forecast) / actual)
    mase = np.mean(np.abs(actual - forecast)) / np.mean(np.abs(np.diff(train)))
    row = res.scores.row(0, named=True)
    assert (row["model"], row["origins"], row["points"]) == (spec.label, 1, 3)
    assert row["mape"] == pytest.approx(mape, rel=1e-12)
    assert row["mase"] == pytest.approx(mase, rel=1e-12)


def test_backtest_too_short_raises():
    with pytest.raises(InsufficientData, match="expected at least 13 months"):
        st.backtest(monthly(np.arange(10) + 100.0), model=ModelSpec.ets(trend="add"), horizon=3, origins=5)


# ---------------------------------------------------------------- forecast


def test_forecast_on_seasonal_series_beats_naive_with_widening_intervals():
    y, _ = seasonal_series(60, seed=3)
    res = st.forecast(monthly(y), horizon=12)
    assert res.beats_baselines
    table = res.backtest
    selected = table.filter(pl.col("role") == "selected")["mase"][0]
    naive = table.filter(pl.col("model") == "naive")["mase"][0]
    assert selected < naive
    assert set(table.filter(pl.col("role") == "baseline")["model"]) == {
        "naive",
        "seasonal naive",
        "seasonal naive with growth (New Year aligned)",
    }
    assert "beats the" in res.summary and "NOT" not in res.summary
    fc = res.forecast
    assert fc.height == 12 and fc["model"].unique().to_list() == [res.model]
    assert fc["month"][0] == dt.date(2025, 1, 1)
    assert (fc["lower"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper"]).all()
    width = (fc["upper"] - fc["lower"]).to_numpy()
    assert np.all(np.diff(width) >= -1e-9) and width[-1] > width[0]
    assert res.history == {"from": START, "to": dt.date(2024, 12, 1), "months": 60}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forecast_claim_always_matches_the_backtest_on_white_noise(seed):
    rng = np.random.default_rng(seed)
    res = st.forecast(monthly(1000 + rng.normal(0, 100, 48)), horizon=6)
    table = res.backtest
    best_candidate = table.filter(pl.col("model") == res.model)["mase"][0]
    baselines = table.filter(~pl.col("model").is_in(table.filter(pl.col("role") == "candidate")["model"].to_list()))
    best_baseline = baselines.filter(pl.col("model") != res.model)["mase"].min()
    assert res.beats_baselines == (best_candidate < best_baseline)
    # the one row marked "selected" is the model whose forecast is shown
    assert table.filter(pl.col("role") == "selected")["model"].to_list() == [res.shown]
    assert res.forecast["model"].unique().to_list() == [res.shown]
    says_not = "does not beat" in res.summary or "cannot tell the models from the baselines" in res.summary
    assert says_not == (not res.beats_baselines)


def test_forecast_that_does_not_beat_says_so_and_shows_the_baseline():
    rng = np.random.default_rng(4)  # a random walk on which no model beats the naive forecast
    res = st.forecast(monthly(5000 + np.cumsum(rng.normal(0, 200, 30))), horizon=6)
    assert not res.beats_baselines
    assert res.shown in {"naive", "seasonal naive"} and res.shown != res.model
    assert res.forecast["model"].unique().to_list() == [res.shown]
    assert f"{res.model} does not beat" in res.summary or "cannot tell the models from the baselines" in res.summary
    assert f"the {res.shown} baseline is the forecast shown" in res.summary
    assert set(res.forecasts["model"]) >= {res.model, res.shown}
    fc = res.forecast
    assert (fc["lower"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper"]).all()
    width = (fc["upper"] - fc["lower"]).to_numpy()
    assert np.all(np.diff(width) > 0)  # naive intervals widen with sqrt(h)


def test_forecast_fits_only_the_run_ending_at_the_latest_month():
    y, _ = seasonal_series(40)
    res = st.forecast(monthly(y, drop=(29,)), horizon=3)  # runs of 29 and 10 months
    assert res.history == {"from": dt.date(2022, 7, 1), "to": dt.date(2023, 4, 1), "months": 10}
    assert "the 29 months before the latest gap were left out" in res.summary
    assert res.forecast.height == 3


def test_forecast_short_series_is_non_seasonal_and_has_a_backtest():
    rng = np.random.default_rng(4)
    res = st.forecast(monthly(30_000 + 1_500 * np.arange(9) + rng.normal(0, 800, 9)), horizon=3)
    assert "A," in res.model or "SARIMAX(" in res.model
    assert "12)" not in res.model and ",A)" not in res.model  # no seasonal model on 9 months
    assert set(res.backtest["model"]) >= {"naive"} and "seasonal naive" not in set(res.backtest["model"])


def test_forecast_too_short_raises_with_minimum_and_longest_run():
    y, _ = seasonal_series(20)
    with pytest.raises(InsufficientData) as err:
        st.forecast(monthly(y, drop=(15,)), horizon=3)  # the latest run has 4 months
    text = str(err.value)
    assert err.value.minimum == 6
    assert "at least 6 months" in text and "4 consecutive months" in text
    assert "earlier run of 15 consecutive months" in text


def test_forecast_is_deterministic_and_ignores_row_order():
    y, _ = seasonal_series(40, seed=5)
    frame = monthly(y)
    a = st.forecast(frame, horizon=6, origins=3)
    b = st.forecast(frame, horizon=6, origins=3)
    c = st.forecast(frame.sample(fraction=1.0, shuffle=True, seed=11), horizon=6, origins=3)
    for other in (b, c):
        assert a.forecast.equals(other.forecast)
        assert a.backtest.equals(other.backtest)
        assert a.summary == other.summary


def test_forecast_rejects_options_outside_the_closed_sets():
    y, _ = seasonal_series(30)
    with pytest.raises(ValueError, match="expected method in"):
        st.forecast(monthly(y), horizon=3, method="prophet")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="a fraction"):
        st.forecast(monthly(y), horizon=3, level=80)


# ---------------------------------------------------------------- events


def _events(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [{"date": d, "entity": "X", "event_type": k, "description": desc} for d, k, desc in rows],
        schema={"date": pl.Date, "entity": pl.String, "event_type": pl.String, "description": pl.String},
    )


def test_event_effects_detects_a_known_step():
    rng = np.random.default_rng(1)
    n = 48
    t = np.arange(n)
    y = 5000 + 15 * t + 400 * np.sin(2 * np.pi * t / 12) + np.where(t >= 30, 500, 0) + rng.normal(0, 100, n)
    events = _events((dt.date(2022, 7, 14), "launch", "M-launch"), (dt.date(2022, 7, 20), "milestone", "ignored"))
    res = st.event_effects(monthly(y, drop=(5, 17)), events)
    row = res.effects.row(0, named=True)
    assert res.effects.height == 1  # the milestone is not among the default kinds
    assert row["month"] == dt.date(2022, 7, 1)
    assert row["effect"] > 0 and row["ci_low"] < 500 < row["ci_high"]
    assert row["p_value"] < 0.05
    assert row["n_obs"] == 46  # absent months are simply absent
    assert "11 month-of-year dummies" in res.design and "HAC" in res.summary


def test_event_effects_small_sample_caveats():
    rng = np.random.default_rng(12)
    y = 2000 + 30 * np.arange(18) + np.where(np.arange(18) >= 9, 300, 0) + rng.normal(0, 60, 18)
    res = st.event_effects(
        monthly(y),
        _events((dt.date(2020, 10, 3), "price_cut", "cut"), (dt.date(2019, 1, 1), "launch", "before the data")),
    )
    assert "only 18 observations" in res.summary and "month-of-year effects were not included" in res.summary
    early = res.effects.filter(pl.col("month") == dt.date(2019, 1, 1)).row(0, named=True)
    assert early["effect"] is None and "no observation before" in early["note"]


def test_event_effects_names_events_a_gap_makes_one_step():
    """Two launches a month apart, with that month unpublished, have the same step on the
    published months: the effect is reported as theirs together, never as the first one's."""
    rng = np.random.default_rng(5)
    y = 3000 + 20 * np.arange(30) + np.where(np.arange(30) >= 15, 800, 0) + rng.normal(0, 50, 30)
    ev = pl.DataFrame(
        [
            {"date": dt.date(2021, 4, 10), "event_type": "launch", "description": "a", "label": "M8 launch"},
            {"date": dt.date(2021, 5, 20), "event_type": "launch", "description": "b", "label": "S800 launch"},
        ]
    )
    res = st.event_effects(monthly(y, drop=(14, 15)), ev)  # START + 15 = Apr 2021 and Mar 2021 unpublished
    first, second = res.effects.sort("month").iter_rows(named=True)
    assert first["event"] == "M8 launch + S800 launch" and first["effect"] is not None
    assert "one step with S800 launch" in first["note"] and "Apr 2021 is not in the sample" in first["note"]
    assert second["effect"] is None and second["note"].startswith("estimated together with M8 launch")


def test_event_effects_is_deterministic():
    y, _ = seasonal_series(36)
    ev = _events((dt.date(2021, 3, 2), "launch", "a"))
    assert st.event_effects(monthly(y), ev).effects.equals(st.event_effects(monthly(y), ev).effects)


# ---------------------------------------------------------------- share breaks


def _share(n: int, *, seed: int, shift_at: int | None) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    s = 0.55 - 0.002 * t + rng.normal(0, 0.015, n)
    if shift_at is not None:
        s = s - np.where(t >= shift_at, 0.12, 0.0)
    return monthly(s).rename({"value": "share"})


def test_share_breaks_detects_a_break_at_the_known_date_and_not_at_a_random_one():
    broken = st.share_breaks(_share(36, seed=21, shift_at=20), break_dates=[dt.date(2021, 9, 1)])
    chow = broken.tests.filter(pl.col("test") == "Chow").row(0, named=True)
    assert (chow["n_before"], chow["n_after"]) == (20, 16)
    assert chow["p_value"] < 0.05
    cusum = broken.tests.filter(pl.col("test") == "CUSUM").row(0, named=True)
    assert cusum["statistic"] > 0 and 0 <= cusum["p_value"] <= 1

    calm = st.share_breaks(_share(36, seed=22, shift_at=None), break_dates=[dt.date(2021, 2, 1)])
    assert calm.tests.filter(pl.col("test") == "Chow")["p_value"][0] > 0.05
    slope = calm.trend.filter(pl.col("term") == "trend").row(0, named=True)
    assert slope["ci_low"] < -0.002 < slope["ci_high"]


def test_share_breaks_skips_a_date_with_too_few_observations_on_a_side():
    res = st.share_breaks(_share(24, seed=23, shift_at=None), break_dates=[dt.date(2021, 11, 1)])
    chow = res.tests.row(0, named=True)
    assert chow["p_value"] is None and chow["n_after"] == 2
    assert "needs at least 3 on each side" in chow["note"] and "skipped" in res.summary


# ---------------------------------------------------------------- margin vs volume


def _financials(gm, vol, *, start_year: int = 2023) -> pl.DataFrame:
    rows = []
    for i, (g, v) in enumerate(zip(gm, vol, strict=True)):
        y, q = start_year + i // 4, i % 4
        start = dt.date(y, 3 * q + 1, 1)
        end = dt.date(y, 3 * q + 3, [31, 30, 30, 31][q])
        if g is not None:
            rows.append(("SERES", "Q", start, end, "gross_margin", g, "fraction"))
        if v is not None:
            rows.append(("SERES", "Q", start, end, "vehicle_sales", float(v), "units"))
    return pl.DataFrame(
        rows, orient="row", schema=["company", "period_type", "period_start", "period_end", "metric", "value", "unit"]
    )


def test_margin_vs_volume_recovers_a_known_slope_and_prints_the_caveat():
    rng = np.random.default_rng(31)
    vol = np.array([40_000, 60_000, 90_000, 120_000, 80_000, 150_000, 170_000, 110_000])
    gm = 0.05 + 0.04 * np.log(vol / 10_000) + rng.normal(0, 0.002, 8)
    res = st.margin_vs_volume(_financials(list(gm), list(vol)))
    slope = res.coefficients.filter(pl.col("term") == "log_volume").row(0, named=True)
    assert slope["coef"] == pytest.approx(0.04, abs=0.005)
    assert slope["ci_low"] < 0.04 < slope["ci_high"]
    assert res.n == 8 and "n = 8 periods" in res.summary and "tiny" in res.summary


def test_margin_vs_volume_uses_only_quarters_with_both_and_raises_when_too_few():
    fin = _financials([0.2, None, 0.25, 0.27], [50_000, 60_000, None, 80_000])
    with pytest.raises(InsufficientData, match=r"expected at least 3 Q periods.*got 2 for SERES"):
        st.margin_vs_volume(fin)


# ---------------------------------------------------------------- package promises


def test_importing_statistics_does_not_import_statsmodels():
    code = "import sys, hima_analytics.statistics; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_statistics_public_api_is_explicit_and_documented():
    public = {n for n in dir(st) if not n.startswith("_") and not isinstance(getattr(st, n), type(math))}
    assert public == set(st.__all__)
    for name in ("decompose", "forecast", "backtest", "event_effects", "share_breaks", "margin_vs_volume"):
        assert ">>>" in (getattr(st, name).__doc__ or ""), f"{name} has no worked example"


# ---------------------------------------------------------------- shipped data (smoke)


def test_forecast_runs_on_the_shipped_hima_series():
    import hima_analytics as ha

    v = ha.load("volumes", entity="HIMA")
    res = st.forecast(v, horizon=3)
    assert 0 <= res.forecast.height <= 3
    assert res.forecast.height == 3 or "The path stops at" in res.summary or "No path is shown" in res.summary
    assert res.indicative == (res.origins < 3) and ("indicative" in res.summary) == res.indicative
    assert res.history["to"] == v["month"].max()
    says_not = "does not beat" in res.summary or "cannot tell the models from the baselines" in res.summary
    assert says_not == (not res.beats_baselines)


def test_event_effects_pulse_is_temporary():
    rng = np.random.default_rng(13)
    n = 36
    t = np.arange(n)
    y = 3000 + 10 * t + np.where((t >= 20) & (t < 23), 400, 0) + rng.normal(0, 50, n)
    ev = _events((dt.date(2021, 9, 5), "launch", "pulse"))
    pulse = st.event_effects(monthly(y), ev, shape="pulse", pulse_months=3).effects.row(0, named=True)
    assert pulse["ci_low"] < 400 < pulse["ci_high"] and pulse["p_value"] < 0.05
    step = st.event_effects(monthly(y), ev, shape="step").effects.row(0, named=True)
    assert abs(step["effect"]) < pulse["effect"]  # a step dilutes a temporary effect


def test_margin_vs_volume_from_monthly_volumes_uses_complete_quarters_only():
    vol_q = [60_000, 90_000, 120_000, 150_000]
    gm = [0.05 + 0.04 * math.log(v / 10_000) for v in vol_q]
    fin = _financials(gm, [None] * 4)
    months, values = [], []
    for q, v in enumerate(vol_q):
        for k in range(3):
            if (q, k) != (3, 2):  # the last quarter misses a month, so it is left out
                months.append(dt.date(2023, 3 * q + k + 1, 1))
                values.append(v // 3)
    res = st.margin_vs_volume(fin, volumes=pl.DataFrame({"month": months, "value": values}))
    assert res.n == 3
    assert res.data["volume_source"].unique().to_list() == ["monthly volumes (complete periods)"]
    assert res.coefficients.filter(pl.col("term") == "log_volume")["coef"][0] == pytest.approx(0.04, abs=1e-3)


def test_too_few_origins_prefer_no_model_and_say_so():
    # Nine months leave one backtest origin: however well a model scores there, it is not preferred.
    y = [40_000, 45_000, 44_000, 52_000, 61_000, 68_000, 81_000, 89_000, 58_000]
    res = st.forecast(monthly(y), horizon=3)
    assert res.backtest["origins"].max() < 3
    assert not res.beats_baselines and res.shown in ("naive", "seasonal naive (same month a year earlier)")
    assert "cannot tell the models from the baselines" in res.summary


def test_the_seasonal_naive_baseline_reaches_across_gaps():
    # A February trough a year before the latest run is published: the seasonal-naive forecast
    # for the next February uses it even though the run that the models fit starts later.
    import datetime as dt

    months = [dt.date(2025, 2, 1)] + [dt.date(2025, m, 1) for m in range(5, 13)] + [dt.date(2026, 1, 1)]
    values = [21_517, 44_454, 52_747, 47_752, 44_579, 52_900, 68_216, 81_864, 89_611, 57_915]
    res = st.forecast(pl.DataFrame({"month": months, "value": values}), horizon=2)
    seasonal = res.forecasts.filter(pl.col("model").str.starts_with("seasonal naive"))
    assert seasonal.filter(pl.col("month") == dt.date(2026, 2, 1))["mean"][0] == 21_517
    assert seasonal.filter(pl.col("month") == dt.date(2026, 3, 1))["mean"][0] is None


def test_forecast_treats_a_bound_month_as_a_gap():
    """An "over" month is not a count: the models fit only the counts after it, and say why."""
    y, _ = seasonal_series(20)
    frame = monthly(y).with_columns(pl.lit("exact").alias("qualifier"))
    bounded = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 10).then(pl.lit("over")).otherwise("qualifier").alias("qualifier")
    )
    res = st.forecast(bounded, horizon=2)
    assert res.history["months"] == 9 and res.history["from"] == frame["month"][11]
    assert "Nov 2020 was published only as a bound" in res.summary
    assert st.forecast(frame, horizon=2).history["months"] == 20
    short = bounded.filter(pl.int_range(pl.len()) <= 14)  # 4 counts after the bound: too few
    result, reason = st.try_forecast(short, horizon=2)
    assert result is None and "only as a bound" in str(reason)
    assert isinstance(reason, st.ShortRun) and reason.bounded == [frame["month"][10]] and reason.run.n == 4


def test_count_runs_break_at_bounds():
    frame = monthly([5, 6, 7, 8, 9]).with_columns(
        pl.Series("qualifier", ["exact", "exact", "over", "about", "rounded"])
    )
    row = st.count_runs(frame).row(0, named=True)
    assert (row["run"], row["from"], row["bounds_in_series"]) == (2, dt.date(2020, 1, 1), 1)


def test_implied_totals_mark_ends_from_a_rounded_share():
    m = dt.date(2026, 2, 1)
    parts = pl.DataFrame({"month": [m], "entity": ["AITO"], "value": [18_000], "qualifier": ["exact"]})
    shares = pl.DataFrame(
        {
            "month": [dt.date(2025, k, 1) for k in (6, 7, 8)],
            "entity": ["AITO"] * 3,
            "share": [0.8, 0.85, 0.9],
            "share_qualifier": ["exact", "exact", "about"],  # the highest share rests on a rounded figure
        }
    )
    r = st.implied_totals(parts, shares).row(0, named=True)
    assert (r["share_max_qualifier"], r["implied_low_qualifier"]) == ("about", "about")
    assert (r["share_min_qualifier"], r["implied_high_qualifier"]) == ("exact", "exact")


def test_missing_forecast_names_its_bound_months():
    from hima_analytics.narrative import forecast_status

    series = monthly([5, 6, 7]).with_columns(pl.Series("qualifier", ["exact", "over", "exact"]))
    _, reason = st.try_forecast(series, horizon=2)
    out = forecast_status(None, reason, download="d", entity="AITO", series=series)
    said = plain(out)
    assert "Feb 2020 was published only as a bound" in said
    assert "the models need at least 6 consecutive published months" in said
    assert "the record ends with only 1 consecutive month (Mar 2020 – Mar 2020)" in said
    assert "Hint" not in said and "forecast: expected" not in said


def test_missing_forecast_names_a_longer_earlier_run_it_does_not_use():
    from hima_analytics.narrative import forecast_status

    months = monthly(list(range(1, 11))).filter(pl.int_range(pl.len()) != 7)  # 7 months, a gap, 2 months
    _, reason = st.try_forecast(months, horizon=2)
    assert isinstance(reason, st.ShortRun) and reason.earlier is not None and reason.earlier.n == 7
    out = plain(forecast_status(None, reason, download="d", entity="HIMA"))
    assert "an earlier run of 7 consecutive months (Jan 2020 – Jul 2020) is not used" in out
