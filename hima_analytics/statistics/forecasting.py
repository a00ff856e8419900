"""Forecasts with prediction intervals, chosen from a small grid and checked against baselines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ..vocabulary import counted
from .backtest import evaluate, fmt_number, fmt_percent
from .candidates import MIN_ORIGINS, backtest_plan, model_grid
from .errors import InsufficientData, ShortRun
from .models import ModelSpec, fit_forecast
from .months import (
    MonthRun,
    add_months,
    bound_months,
    bounds_sentence,
    clean_series,
    latest_run,
    longest_run,
    month_index,
    month_label,
    runs,
)
from .seasonal import (
    FORECAST_SCHEMA,
    GROWTH_LABEL,
    GROWTH_MONTHS,
    SEASONAL_LABEL,
    growth_basis,
    growth_formula,
    growth_seasonal_frame,
    seasonal_frame,
    with_growth_seasonal,
    with_seasonal_naive,
)

Method = Literal["auto", "ets", "sarimax", "seasonal_naive", "naive"]
METHODS = ("auto", "ets", "sarimax", "seasonal_naive", "naive")
MIN_MONTHS = 6
"""Fewest contiguous months for any forecast (a naive forecast's interval needs its residuals)."""
_BACKTEST_SCHEMA = {
    "model": pl.String,
    "role": pl.String,
    "origins": pl.Int64,
    "points": pl.Int64,
    "mape": pl.Float64,
    "mase": pl.Float64,
}
"""The columns of :attr:`ForecastResult.backtest`."""

_Selection = tuple[ModelSpec, bool, pl.DataFrame, dict[str, float | None]]
"""The selected model, whether it beats the baselines, the backtest table and MASE by model label."""


@dataclass(frozen=True)
class ForecastResult:
    """Output of :func:`forecast`.

    - ``forecast``: month, mean, lower, upper, model, note -- the one forecast to show (chart,
      download and sentences all use it): the selected model when it beats the baselines on
      enough origins, otherwise the best baseline; with too few origins (``indicative``) the
      growth-adjusted seasonal baseline when the horizon reaches the Chinese New Year months and
      the series supports it, else the naive path up to the last December. It may be shorter
      than the horizon (the summary says why). Means and interval ends are never below zero:
      a truncated row's ``note`` gives the model's own value;
    - ``forecasts``: the same columns for every candidate tested (the lowest-AICc model of each
      group) and every baseline;
    - ``model``: the candidate with the lowest backtest MASE as text (e.g. ``"ETS(A,Ad,N)"``):
      the selected model when the backtest has enough origins, only the lowest-error one when
      ``indicative``; ``shown``: the label of the model in ``forecast``;
    - ``backtest``: model, role, origins, points, mape (fraction), mase; the role is
      "selected" for the model shown, else "candidate" or "baseline" (nothing is selected when
      ``indicative``);
    - ``beats_baselines``: True only when the best candidate's backtest MASE is below every
      baseline's on at least :data:`~.candidates.MIN_ORIGINS` origins;
    - ``indicative``: True when the backtest has fewer than ``MIN_ORIGINS`` origins, so nothing
      could be selected on evidence; ``origins``: the backtest's origins (0 without one);
    - ``alternatives``: when ``indicative``, every forecast in ``forecasts`` (every candidate
      tested and every baseline) for the first forecast month side by side with its backtest
      error (:func:`indicative_range`): with too few origins no single value is the outlook, so
      pages show this range; empty otherwise;
    - ``history``: ``{"from": date, "to": date, "months": int}``, the run the models were fitted on;
    - ``level``: the prediction-interval coverage; ``summary``: plain text.
    """

    forecast: pl.DataFrame
    forecasts: pl.DataFrame
    model: str
    shown: str
    backtest: pl.DataFrame
    beats_baselines: bool
    indicative: bool
    origins: int
    history: dict[str, dt.date | int]
    level: float
    summary: str
    alternatives: pl.DataFrame


def forecast_frame(spec: ModelSpec, run: MonthRun, horizon: int, level: float) -> pl.DataFrame:
    """The model's forecast path from the end of ``run``. Volumes cannot be negative: a mean or
    interval end below zero is set to zero and the row's ``note`` gives the model's own value."""
    fit = fit_forecast(run.values, spec, horizon=horizon, level=level)
    last = run.months[-1]
    notes = [truncation_note(m, lo) for m, lo in zip(fit.mean, fit.lower, strict=True)]
    return pl.DataFrame(
        {
            "month": [add_months(last, h + 1) for h in range(horizon)],
            "mean": [max(0.0, v) for v in fit.mean],
            "lower": [max(0.0, v) if v == v else v for v in fit.lower],
            "upper": [max(0.0, v) if v == v else v for v in fit.upper],
            "model": [spec.label] * horizon,
            "note": notes,
        },
        schema=FORECAST_SCHEMA,
    )


def truncation_note(mean: float, lower: float) -> str | None:
    """Why a forecast row was truncated at zero, or None.

    >>> truncation_note(41_823.0, -19_300.4)
    'interval low truncated at zero (the model gives -19,300)'
    >>> truncation_note(5.0, 1.0) is None
    True
    """
    if mean < 0:
        return f"forecast and interval low truncated at zero (the model gives {mean:,.0f} and {lower:,.0f})"
    if lower < 0:
        return f"interval low truncated at zero (the model gives {lower:,.0f})"
    return None


def forecast(
    series: pl.DataFrame,
    *,
    horizon: int,
    method: Method = "auto",
    level: float = 0.8,
    value: str = "value",
    month: str = "month",
    origins: int = 6,
    min_train: int = 6,
    period: int = 12,
) -> ForecastResult:
    """Forecast a monthly series ``horizon`` months ahead, with ``level`` prediction intervals and
    an honest comparison against the naive and seasonal-naive baselines.

    Gap policy: models need evenly spaced data and gaps are never filled, so every model is
    fitted only on the contiguous run of months that ends at the latest observation; earlier
    months before a gap are left out of the models and the naive baseline (the summary says how
    many). The two seasonal baselines take each month from the same month a year earlier wherever
    it was published, so they may read those earlier months (the summary names them,
    :func:`seasonal_reads`). At least 6 contiguous months are needed (13 for
    ``method="seasonal_naive"``), else :class:`InsufficientData`.

    Model grid (``method="auto"`` uses both families; ``"ets"``/``"sarimax"`` one):

    - ETS with additive errors: no trend, additive trend, damped trend; additive seasonality
      is added to the grid only when the run has at least ``2 * period`` (24) months;
    - SARIMAX (1,0,0)+c, (0,1,1), (1,1,0), (0,1,1)+c; with 24+ months also
      (0,1,1)(0,1,1,12) and (1,0,0)(0,1,0,12)+c.

    Selection: within each group of models fitted to the same data (ETS; SARIMAX with the same
    differencing) the lowest AICc wins; the group winners are then compared by a rolling-origin
    backtest (see :func:`backtest`: MAPE and MASE, expanding window, up to ``origins`` origins,
    at least ``min_train`` training months -- 13 when the run allows the seasonal-naive
    baseline, 24 when it allows seasonal models) and the lowest MASE is selected. The naive
    baseline (and the seasonal-naive one when every training window has 13+ months) run on the
    same origins. ``beats_baselines`` is True only if the selected model's MASE is lower than
    every baseline's; otherwise the best baseline is the forecast shown, and the summary says so.

    Intervals come from the models (analytic ETS/SARIMAX intervals; empirical residual
    quantiles for the baselines, see :mod:`hima_analytics.statistics.models`). No random
    numbers are drawn, so results are deterministic.

    >>> import datetime as dt, math, polars as pl
    >>> months = pl.date_range(dt.date(2021, 1, 1), dt.date(2024, 12, 1), "1mo", eager=True)
    >>> y = [5000 + 50 * i + 800 * math.sin(2 * math.pi * i / 12) + 40 * math.cos(7 * i) for i in range(48)]
    >>> res = forecast(pl.DataFrame({"month": months, "value": y}), horizon=6)
    >>> res.forecast.columns, res.forecast.height
    (['month', 'mean', 'lower', 'upper', 'model', 'note'], 6)
    >>> res.beats_baselines, res.history["months"]
    (True, 48)
    """
    if method not in METHODS:
        raise ValueError(f"forecast: expected method in {list(METHODS)}; got {method!r}.")
    if horizon < 1:
        raise ValueError(f"forecast: expected horizon >= 1; got {horizon}.")
    if not 0 < level < 1:
        raise ValueError(f"forecast: expected 0 < level < 1 (a fraction, e.g. 0.8); got {level}.")
    if min_train < 2:
        raise ValueError(f"forecast: expected min_train >= 2; got {min_train}.")
    frame = clean_series(series, value=value, month=month, where="forecast")
    bounded = bound_months(series, month=month)
    run = _fitting_run(frame, method, period, bounded)
    n = run.n
    plan = backtest_plan(n, horizon, origins, min_train, period)
    grid = [s for s in model_grid(method, n, period) if s.min_train <= (plan[1] if plan else n)]
    if not grid:  # every grid model needs more history than the backtest leaves: fit without a backtest
        grid = [s for s in model_grid(method, n, period) if s.min_train <= n]
        plan = None
    specs = _fit_candidates(run, grid, level)
    baselines = [ModelSpec.naive()]
    if plan and plan[1] >= period + 1:
        baselines.append(ModelSpec.seasonal_naive(period=period))
    baselines = [b for b in baselines if b not in specs]
    if plan:
        h_bt, first_train = plan
        chosen, beats, table, mase = _select_by_backtest(run, frame, specs, baselines, plan, period)
    else:
        h_bt = first_train = 0
        chosen, beats, table, mase = _select_without_backtest(specs)
    origins = int(table["origins"].max() or 0) if table.height else 0  # type: ignore[arg-type]
    indicative = origins < MIN_ORIGINS and not chosen.is_baseline
    seasonal = seasonal_frame(frame, run, horizon, period)
    growth = growth_seasonal_frame(frame, run.months[-1], horizon, period)
    forecasts = pl.concat(  # every candidate, not only the chosen one: too few origins cannot choose
        [forecast_frame(s, run, horizon, level) for s in dict.fromkeys([chosen, *specs, *baselines])]
        + [seasonal, growth]
    )
    if indicative:
        shown_label, shown_frame = _indicative_path(forecasts, growth, horizon)
    else:
        shown_label = _shown_label(chosen, beats, mase, specs, baselines, seasonal, growth, horizon)
        shown_frame = forecasts.filter(pl.col("model") == shown_label)
    table = _with_roles(table, shown_label, specs, indicative)
    alternatives = indicative_range(forecasts, table, add_months(run.months[-1], 1)) if indicative else _empty_range()
    history: dict[str, dt.date | int] = {"from": run.months[0], "to": run.months[-1], "months": n}
    summary = summarise(
        frame,
        run,
        chosen,
        shown_label,
        beats,
        table,
        h_bt,
        first_train,
        level,
        method,
        shown_frame,
        horizon,
        bounded,
        candidates=specs,
        seasonal_reads=seasonal_reads(frame, run, forecasts, table, first_train, period),
    )
    if indicative:
        summary += " " + range_sentence(alternatives, origins)
    return ForecastResult(
        forecast=shown_frame,
        forecasts=forecasts,
        model=chosen.label,
        shown=shown_label,
        backtest=table,
        beats_baselines=beats,
        indicative=indicative,
        origins=origins,
        history=history,
        level=level,
        summary=summary,
        alternatives=alternatives,
    )


NEW_YEAR_AWARE = (SEASONAL_LABEL, GROWTH_LABEL)
"""The forecasts that know the Chinese New Year trough (the others are flat or trend paths)."""
_RANGE_SCHEMA = {
    "model": pl.String,
    "role": pl.String,
    "month": pl.Date,
    "mean": pl.Float64,
    "mape": pl.Float64,
    "mase": pl.Float64,
    "new_year": pl.String,
    "lowest_error": pl.Boolean,
}


def _empty_range() -> pl.DataFrame:
    return pl.DataFrame(schema=_RANGE_SCHEMA)


def indicative_range(forecasts: pl.DataFrame, backtest: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    """Every forecast's value for ``month`` next to its backtest error, lowest value first: what
    a page shows when the backtest has too few origins to select a model (the spread across
    them is the range of what the models can say).

    Columns: ``model``, ``role`` (from ``backtest``: candidate or baseline), ``month``,
    ``mean`` (vehicles), ``mape`` (fraction), ``mase``, ``new_year`` ("seasonal" for the
    baselines that know the New Year trough, :data:`NEW_YEAR_AWARE`, else "flat or trend") and
    ``lowest_error`` (True for the lowest backtest MASE among them). Forecasts with no value for
    ``month`` are left out.

    >>> import datetime as dt, polars as pl
    >>> m = dt.date(2026, 2, 1)
    >>> f = pl.DataFrame({"month": [m, m], "mean": [57_915.0, 35_601.0], "model": ["naive", GROWTH_LABEL]})
    >>> b = pl.DataFrame({"model": ["naive", GROWTH_LABEL], "role": ["baseline"] * 2, "mape": [0.194, 0.264],
    ...                   "mase": [1.88, 2.59]})
    >>> r = indicative_range(f, b, m)
    >>> r["mean"].to_list(), r["new_year"].to_list(), r["lowest_error"].to_list()
    ([35601.0, 57915.0], ['seasonal', 'flat or trend'], [False, True])
    """
    rows = (
        forecasts.filter((pl.col("month") == month) & pl.col("mean").is_not_null())
        .select("model", "month", "mean")
        .unique("model", keep="first", maintain_order=True)
        .join(backtest.select("model", "role", "mape", "mase"), on="model", how="left")
    )
    if rows.is_empty():
        return _empty_range()
    best = rows["mase"].min()
    return (
        rows.with_columns(
            pl.when(pl.col("model").is_in(list(NEW_YEAR_AWARE)))
            .then(pl.lit("seasonal"))
            .otherwise(pl.lit("flat or trend"))
            .alias("new_year"),
            (pl.col("mase") == best).fill_null(False).alias("lowest_error"),
        )
        .select(list(_RANGE_SCHEMA))
        .cast(_RANGE_SCHEMA)  # type: ignore[arg-type]
        .sort("mean")
    )


def range_sentence(alternatives: pl.DataFrame, origins: int) -> str:
    """The indicative range in plain text: lowest and highest value and the lowest-error model."""
    if alternatives.is_empty():
        return ""
    lo, hi = alternatives.row(0, named=True), alternatives.row(-1, named=True)
    best = alternatives.filter(pl.col("lowest_error"))
    out = (
        f"No single value is the outlook for {month_label(lo['month'])}: the models and baselines put it "
        f"between {lo['mean']:,.0f} by {lo['model']} and {hi['mean']:,.0f} by {hi['model']}."
    )
    if best.height:
        b = best.row(0, named=True)
        out += (
            f" {b['model']} has the lowest backtest error (MAPE {fmt_percent(b['mape'])}, MASE "
            f"{fmt_number(b['mase'])}), but {counted(origins, 'backtest origin')} cannot choose between them "
            f"(at least {MIN_ORIGINS} are needed)."
        )
    return out


def _indicative_path(forecasts: pl.DataFrame, growth: pl.DataFrame, horizon: int) -> tuple[str, pl.DataFrame]:
    """The path shown when the backtest cannot choose: a flat naive path cannot cross the Chinese
    New Year trough, so when the horizon reaches January or February the growth-adjusted seasonal
    baseline is shown if the series supports it, else the naive path up to the last December."""
    naive = forecasts.filter(pl.col("model") == "naive")
    reaches_new_year = naive.filter(pl.col("month").dt.month() <= 2).height > 0
    if reaches_new_year and growth.height:
        return GROWTH_LABEL, growth
    first_ny = naive.filter(pl.col("month").dt.month() <= 2)["month"].min()
    return "naive", naive if first_ny is None else naive.filter(pl.col("month") < first_ny)


def _with_roles(table: pl.DataFrame, shown: str, specs: list[ModelSpec], indicative: bool) -> pl.DataFrame:
    """The backtest table's roles: the model shown is "selected" (none is when the backtest has
    too few origins to select anything); the others are candidates or baselines."""
    if table.is_empty():
        return table
    labels = {s.label for s in specs}
    return table.with_columns(
        pl.when((pl.col("model") == shown) & pl.lit(not indicative))
        .then(pl.lit("selected"))
        .when(pl.col("model").is_in(list(labels)))
        .then(pl.lit("candidate"))
        .otherwise(pl.lit("baseline"))
        .alias("role")
    )


def _fitting_run(frame: pl.DataFrame, method: Method, period: int, bounded: list[dt.date]) -> MonthRun:
    """The run of months ending at the latest observation; raises when it is too short to forecast."""
    run = latest_run(frame)
    minimum = period + 1 if method == "seasonal_naive" else MIN_MONTHS
    if run.n < minimum:
        longest = longest_run(frame)
        extra = (
            f" An earlier run of {longest.describe()} exists but is not used: forecasts start from the latest data."
            if longest.n > run.n
            else ""
        )
        raise ShortRun(
            minimum=minimum,
            run=run,
            earlier=longest if longest.n > run.n else None,
            bounded=bounded,
            hint=f"gaps are not filled; wait for more months or fill the gap from a source.{extra}"
            + (f" {bounds_sentence(bounded)}" if bounded else ""),
        )
    return run


def _fit_candidates(run: MonthRun, grid: list[ModelSpec], level: float) -> list[ModelSpec]:
    """The lowest-AICc model of each comparable group (same data), fitted on the full run."""
    finalists: dict[str, tuple[float, ModelSpec]] = {}
    for spec in grid:
        if spec.is_baseline:
            finalists[spec.group] = (0.0, spec)
            continue
        aicc = fit_forecast(run.values, spec, horizon=1, level=level).aicc
        score = aicc if aicc is not None else float("inf")
        if spec.group not in finalists or score < finalists[spec.group][0]:
            finalists[spec.group] = (score, spec)
    return [s for _, s in finalists.values()]


def _select_by_backtest(
    run: MonthRun,
    frame: pl.DataFrame,
    specs: list[ModelSpec],
    baselines: list[ModelSpec],
    plan: tuple[int, int],
    period: int,
) -> _Selection:
    """The candidate with the lowest backtest MASE, and whether it beats every baseline on enough origins."""
    h_bt, first_train = plan
    predictions, scores = evaluate(
        run, [*specs, *baselines], horizon=h_bt, first_train=first_train, scale="naive", period=period
    )
    scores = with_seasonal_naive(scores, predictions, frame, baselines, period)
    scores = with_growth_seasonal(scores, predictions, frame, period)
    mase = {r["model"]: r["mase"] for r in scores.iter_rows(named=True)}
    chosen = min(specs, key=lambda s: mase[s.label] if mase[s.label] is not None else float("inf"))
    base_mase = [m for label, m in mase.items() if label not in {s.label for s in specs}]
    enough = int(scores["origins"].max() or 0) >= MIN_ORIGINS  # type: ignore[arg-type]
    beats: bool = bool(
        enough
        and not chosen.is_baseline
        and mase[chosen.label] is not None
        and all(m is None or mase[chosen.label] < m for m in base_mase)
    )
    table = scores.with_columns(pl.lit("candidate").alias("role")).select(
        "model", "role", "origins", "points", "mape", "mase"
    )
    return chosen, beats, table, mase


def _select_without_backtest(specs: list[ModelSpec]) -> _Selection:
    """ETS when the grid has one (AICc does not compare across differencing), never beating the baselines."""
    chosen = next((s for s in specs if s.group == "ETS"), specs[0])
    return chosen, False, pl.DataFrame(schema=_BACKTEST_SCHEMA), {}


def _shown_label(
    chosen: ModelSpec,
    beats: bool,
    mase: dict[str, float | None],
    specs: list[ModelSpec],
    baselines: list[ModelSpec],
    seasonal: pl.DataFrame,
    growth: pl.DataFrame,
    horizon: int,
) -> str:
    """The forecast to show: the selected model if it beats the baselines, else the best-scoring
    baseline that has a forecast for every month of the horizon."""
    if chosen.is_baseline or beats:
        return chosen.label
    complete = {
        SEASONAL_LABEL: seasonal["mean"].null_count() == 0,
        GROWTH_LABEL: growth.height == horizon,
    }
    ranked = {  # empty without a backtest, so the naive baseline is shown
        label: m
        for label, m in mase.items()
        if label not in {s.label for s in specs} and m is not None and complete.get(label, True)
    }
    return min(ranked, key=lambda k: ranked[k]) if ranked else baselines[0].label


def summarise(
    frame: pl.DataFrame,
    run: MonthRun,
    chosen: ModelSpec,
    shown: str,
    beats: bool,
    table: pl.DataFrame,
    h_bt: int,
    first_train: int,
    level: float,
    method: str,
    path: pl.DataFrame,
    horizon: int,
    bounded: list[dt.date] | None = None,
    *,
    candidates: list[ModelSpec] | None = None,
    seasonal_reads: list[dt.date] | None = None,
) -> str:
    """The forecast's method and result in plain text. ``candidates`` are the models tested
    (listed when the backtest is too short to choose among them); ``seasonal_reads`` are the
    months before the latest gap that the seasonal baselines read (:func:`seasonal_reads`)."""
    parts = [f"History: {run.n} contiguous months, {month_label(run.months[0])} to {month_label(run.months[-1])}."]
    if bounded:
        parts.append(bounds_sentence(bounded))
    left_out = frame.height - run.n
    if left_out:
        parts.append(
            f"The series has {counted(len(runs(frame)) - 1, 'gap')}; "
            f"the {counted(left_out, 'month')} before the latest gap "
            "were left out of the fitted models and the naive baseline (they are fitted only on the run "
            "ending at the latest month; gaps are never filled)."
        )
        if seasonal_reads:
            parts.append(
                "The seasonal baselines take each month from the same month a year earlier wherever it was "
                f"published, so they do read months from before the latest gap: {_month_list(seasonal_reads)}."
            )
    origins = int(table["origins"].max() or 0) if table.height else 0  # type: ignore[arg-type]
    indicative = origins < MIN_ORIGINS and not chosen.is_baseline
    tested = [s.label for s in (candidates or [chosen]) if not s.is_baseline]
    if method != "auto":
        parts.append(f"Requested model: {chosen.label}.")
    elif indicative and len(tested) > 1:
        parts.append(
            f"Candidates: {_joined(tested)} (the lowest AICc within each model group); the backtest has too "
            "few origins to choose among them, so every one is shown next to the baselines."
        )
    elif indicative:
        parts.append(f"Candidate: {chosen.label} (the lowest AICc within its model group).")
    else:
        parts.append(f"Selected model: {chosen.label} (AICc within each model group, then backtest MASE).")
    if table.is_empty():
        parts.append(
            "No backtest was possible: the history is too short to hold out any month, so no model "
            "can be tested against the baselines and the outlook is indicative, not a tested forecast."
        )
    else:
        parts.append(
            f"Rolling-origin backtest over {counted(origins, 'origin')}, {counted(h_bt, 'month')} ahead, training on "
            f"{first_train}+ months:"
        )
        parts.append(
            "; ".join(
                f"{r['model']} MAPE {fmt_percent(r['mape'])}, MASE {fmt_number(r['mase'])}"
                for r in table.iter_rows(named=True)
            )
            + "."
        )
        seasonal = table.filter(pl.col("model") == SEASONAL_LABEL)
        if seasonal.height and seasonal["mase"][0] is None:
            parts.append(
                "The seasonal-naive baseline (each month as the same month a year earlier) could not be "
                "scored: no backtest month has a published figure twelve months before it."
            )
        names = [r["model"] for r in table.filter(pl.col("role") == "baseline").iter_rows(named=True)]
        listed = " and ".join(names)
        plural_baseline = "baseline" if len(names) == 1 else "baselines"
        if chosen.is_baseline:
            parts.append(f"A baseline was requested, so there is no model to compare; {shown} is shown.")
        elif indicative:
            parts.append(
                f"With {counted(origins, 'backtest origin')} (at least {MIN_ORIGINS} are needed) the backtest "
                "cannot tell the models from the baselines, so it cannot select a model: the outlook is "
                "indicative, not a tested forecast."
            )
        elif beats:
            parts.append(
                f"{chosen.label} beats the {listed} {plural_baseline} in the backtest and is the forecast shown."
            )
            best = min(m for m in table.filter(pl.col("role") == "baseline")["mase"].to_list() if m is not None)
            gain = 1 - table.filter(pl.col("role") == "selected")["mase"][0] / best
            if gain < 0.05:
                parts.append(f"The margin is small ({gain:.1%} lower MASE than the best baseline).")
        else:
            parts.append(
                f"{chosen.label} does not beat the other baselines in the backtest, so the "
                f"{shown} baseline is the forecast shown."
            )
    parts.extend(path_sentences(frame, run, shown, path, horizon, level))
    return " ".join(parts)


def _joined(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _month_list(months: list[dt.date]) -> str:
    """Months as a reader lists them, consecutive ones as a span: ``Nov 2024 – Feb 2025``."""
    spans: list[list[dt.date]] = []
    for m in sorted(months):
        if spans and month_index(m) == month_index(spans[-1][-1]) + 1:
            spans[-1].append(m)
        else:
            spans.append([m])
    return _joined([month_label(s[0]) if len(s) == 1 else f"{month_label(s[0])} – {month_label(s[-1])}" for s in spans])


def seasonal_reads(
    frame: pl.DataFrame,
    run: MonthRun,
    forecasts: pl.DataFrame,
    backtest: pl.DataFrame,
    first_train: int,
    period: int = 12,
) -> list[dt.date]:
    """The published months before the fitting run that the seasonal baselines read: the month
    a year earlier (``m - period``) of every month they forecast (``forecasts`` rows of
    :data:`NEW_YEAR_AWARE` with a value) or score in the backtest (run months from
    ``first_train`` on, when ``backtest`` scored a seasonal baseline), and for a January or
    February the year-earlier January and February (the growth baseline takes them together).
    The fitted models never see these months; saying they were "left out" is true only of them.

    >>> import datetime as dt, polars as pl
    >>> ms = [dt.date(2025, 1, 1), dt.date(2025, 2, 1)] + [dt.date(2025, m, 1) for m in range(5, 13)]
    >>> frame = pl.DataFrame({"month": ms + [dt.date(2026, 1, 1)], "y": [1.0] * 11})
    >>> run = MonthRun(ms[2:] + [dt.date(2026, 1, 1)], [1.0] * 9)
    >>> fc = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "mean": [5.0], "model": [SEASONAL_LABEL]})
    >>> seasonal_reads(frame, run, fc, pl.DataFrame(schema={"model": pl.String, "mase": pl.Float64}), 6)
    [datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)]
    """
    scored = (
        backtest.filter(pl.col("model").is_in(list(NEW_YEAR_AWARE)) & pl.col("mase").is_not_null()).height > 0
        if backtest.height
        else False
    )
    targets = set(
        forecasts.filter(pl.col("model").is_in(list(NEW_YEAR_AWARE)) & pl.col("mean").is_not_null())["month"]
        .unique()
        .to_list()
    )
    if scored:
        targets |= set(run.months[first_train:])
    reads: set[dt.date] = set()
    for m in targets:
        reads.add(add_months(m, -period))
        if m.month in (1, 2):
            reads |= {dt.date(m.year - 1, 1, 1), dt.date(m.year - 1, 2, 1)}
    published = set(frame.filter(pl.col("month") < run.months[0])["month"].to_list())
    return sorted(reads & published)


def path_sentences(
    frame: pl.DataFrame, run: MonthRun, shown: str, path: pl.DataFrame, horizon: int, level: float
) -> list[str]:
    """What the path shown is, why it is shorter than the horizon, and how its interval was treated."""
    out: list[str] = []
    if shown == GROWTH_LABEL:
        basis = growth_basis(frame, run.months[-1], path.height)
        out.append(
            f"The {shown} baseline takes each month as published a year earlier times the year-on-year "
            f"growth (the median of the latest {GROWTH_MONTHS} ratios outside January and February), with "
            "January and February taken together because Chinese New Year moves between them; a February "
            "whose January is published grows as that January did. "
            + "; ".join(growth_formula(r) for r in basis.iter_rows(named=True))
            + ". It has no interval."
        )
    if path.is_empty():
        out.append(
            "No path is shown: a flat naive path cannot cross the Chinese New Year trough, and the same "
            "months a year earlier are not all published."
        )
    elif path.height < horizon:
        nxt = add_months(path["month"].max(), 1)  # type: ignore[arg-type]
        why = (
            f"{month_label(add_months(nxt, -12))} was not published, so there is nothing a year earlier to build on"
            if shown == GROWTH_LABEL
            else "a flat path cannot cross the Chinese New Year trough"
        )
        out.append(
            f"The path stops at {month_label(path['month'].max())} ({counted(path.height, 'month')} of the "  # type: ignore[arg-type]
            f"{horizon} asked for): {why}."
        )
    cut = path.filter(pl.col("note").is_not_null()).height if path.height else 0
    if cut:
        out.append(
            f"In {counted(cut, 'month')} the model's interval reaches below zero; volumes cannot, so it is "
            "truncated at zero (the model's own value is in the note)."
        )
    if path.height and path["lower"].null_count() < path.height:
        out.append(f"Intervals are {level:.0%} prediction intervals.")
    return out


def try_forecast(series: pl.DataFrame, **kwargs) -> tuple[ForecastResult | None, str | InsufficientData]:
    """:func:`forecast` and its summary, or ``(None, error)`` when the series cannot support one:
    the :class:`InsufficientData` error (a :class:`ShortRun` when the latest run is too short),
    whose fields say why, as data.

    Reports use it to state plainly why a series has no forecast instead of failing.

    >>> import datetime as dt, polars as pl
    >>> short = pl.DataFrame({"month": [dt.date(2025, m, 1) for m in (1, 2, 3)], "value": [1, 2, 3]})
    >>> result, reason = try_forecast(short, horizon=3)
    >>> result is None, reason.minimum, reason.run.n
    (True, 6, 3)
    """
    from .errors import InsufficientData

    try:
        result = forecast(series, **kwargs)
    except InsufficientData as exc:
        return None, exc
    return result, result.summary
