"""Forecasts with prediction intervals, chosen from a small grid and checked against baselines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ..vocabulary import counted
from .backtest import evaluate, fmt_number, fmt_percent
from .candidates import MIN_ORIGINS, backtest_plan, model_grid
from .errors import InsufficientData
from .models import ModelSpec, fit_forecast
from .months import MonthRun, add_months, clean_series, latest_run, longest_run, month_label, runs
from .seasonal import SEASONAL_LABEL, seasonal_frame, with_seasonal_naive

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

    - ``forecast``: month, mean, lower, upper, model -- the forecast to show: the selected model
      when it beats the baselines in the backtest, otherwise the best baseline;
    - ``forecasts``: the same columns for the selected model and every baseline (for charts);
    - ``model``: the selected specification as text (e.g. ``"ETS(A,Ad,N)"``); ``shown``: the
      label of the model in ``forecast``;
    - ``backtest``: model, role (selected / candidate / baseline), origins, points, mape
      (fraction), mase;
    - ``beats_baselines``: True only when the selected model's backtest MASE is below every
      baseline's;
    - ``history``: ``{"from": date, "to": date, "months": int}``, the run the models were fitted on;
    - ``level``: the prediction-interval coverage; ``summary``: plain text.
    """

    forecast: pl.DataFrame
    forecasts: pl.DataFrame
    model: str
    shown: str
    backtest: pl.DataFrame
    beats_baselines: bool
    history: dict[str, dt.date | int]
    level: float
    summary: str


def forecast_frame(spec: ModelSpec, run: MonthRun, horizon: int, level: float) -> pl.DataFrame:
    fit = fit_forecast(run.values, spec, horizon=horizon, level=level)
    last = run.months[-1]
    return pl.DataFrame(
        {
            "month": [add_months(last, h + 1) for h in range(horizon)],
            "mean": fit.mean,
            "lower": fit.lower,
            "upper": fit.upper,
            "model": [spec.label] * horizon,
        },
        schema={"month": pl.Date, "mean": pl.Float64, "lower": pl.Float64, "upper": pl.Float64, "model": pl.String},
    )


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
    months before a gap are left out (the summary says how many). At least 6 contiguous months
    are needed (13 for ``method="seasonal_naive"``), else :class:`InsufficientData`.

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
    (['month', 'mean', 'lower', 'upper', 'model'], 6)
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
    run = _fitting_run(frame, method, period)
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
    seasonal = seasonal_frame(frame, run, horizon, period)
    shown_label = _shown_label(chosen, beats, mase, specs, baselines, seasonal)
    forecasts = pl.concat(
        [forecast_frame(s, run, horizon, level) for s in dict.fromkeys([chosen, *baselines])] + [seasonal]
    )
    shown_frame = forecasts.filter(pl.col("model") == shown_label)
    history: dict[str, dt.date | int] = {"from": run.months[0], "to": run.months[-1], "months": n}
    summary = summarise(frame, run, chosen, shown_label, beats, table, h_bt, first_train, level, method, baselines)
    return ForecastResult(
        forecast=shown_frame,
        forecasts=forecasts,
        model=chosen.label,
        shown=shown_label,
        backtest=table,
        beats_baselines=beats,
        history=history,
        level=level,
        summary=summary,
    )


def _fitting_run(frame: pl.DataFrame, method: Method, period: int) -> MonthRun:
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
        raise InsufficientData(
            where="forecast",
            minimum=minimum,
            got=f"{run.describe()} ending at the latest observation",
            hint=f"gaps are not filled; wait for more months or fill the gap from a source.{extra}",
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
    roles = (
        {s.label: "candidate" for s in specs} | {b.label: "baseline" for b in baselines} | {SEASONAL_LABEL: "baseline"}
    )
    roles[chosen.label] = "selected"
    table = scores.with_columns(pl.col("model").replace_strict(roles, default="baseline").alias("role")).select(
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
) -> str:
    """The forecast to show: the selected model if it beats the baselines, else the best-scoring baseline."""
    if chosen.is_baseline or beats:
        return chosen.label
    ranked = {  # empty without a backtest, so the naive baseline is shown
        label: m
        for label, m in mase.items()
        if label not in {s.label for s in specs}
        and m is not None
        and (label != SEASONAL_LABEL or seasonal["mean"].null_count() == 0)
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
    baselines: list[ModelSpec],
) -> str:
    parts = [f"History: {run.n} contiguous months, {month_label(run.months[0])} to {month_label(run.months[-1])}."]
    left_out = frame.height - run.n
    if left_out:
        parts.append(
            f"The series has {counted(len(runs(frame)) - 1, 'gap')}; "
            f"the {counted(left_out, 'month')} before the latest gap "
            "were left out (models are fitted only on the run ending at the latest month; "
            "gaps are never filled)."
        )
    if method == "auto":
        parts.append(f"Selected model: {chosen.label} (AICc within each model group, then backtest MASE).")
    else:
        parts.append(f"Requested model: {chosen.label}.")
    if table.is_empty():
        parts.append(
            "No backtest was possible: the history is too short to hold out any month, so the model "
            f"cannot be shown to beat the baselines; the {shown} baseline is shown."
        )
    else:
        origins = table["origins"][0]
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
        names = " and ".join(r["model"] for r in table.filter(pl.col("role") == "baseline").iter_rows(named=True))
        seasonal = table.filter(pl.col("model") == SEASONAL_LABEL)
        if seasonal.height and seasonal["mase"][0] is None:
            parts.append(
                "The seasonal-naive baseline (each month as the same month a year earlier) could not be "
                "scored: no backtest month has a published figure twelve months before it."
            )
        plural_baseline = "baseline" if len(names.split(" and ")) == 1 else "baselines"
        if chosen.is_baseline:
            parts.append(f"A baseline was requested, so there is no model to compare; {shown} is shown.")
        elif origins < MIN_ORIGINS:
            parts.append(
                f"With {counted(origins, 'backtest origin')} (at least {MIN_ORIGINS} are needed) the backtest "
                "cannot tell the models from the baselines, so no model is preferred: the best-scoring "
                f"baseline, {shown}, is the forecast shown."
            )
        elif beats:
            parts.append(
                f"{chosen.label} beats the {names} {plural_baseline} in the backtest and is the forecast shown."
            )
            best = min(m for m in table.filter(pl.col("role") == "baseline")["mase"].to_list() if m is not None)
            gain = 1 - table.filter(pl.col("role") == "selected")["mase"][0] / best
            if gain < 0.05:
                parts.append(f"The margin is small ({gain:.1%} lower MASE than the best baseline).")
        else:
            parts.append(
                f"{chosen.label} does not beat the {names} {plural_baseline} in the backtest, so the "
                f"{shown} baseline is the forecast shown."
            )
    parts.append(f"Intervals are {level:.0%} prediction intervals.")
    return " ".join(parts)


def try_forecast(series: pl.DataFrame, **kwargs) -> tuple[ForecastResult | None, str]:
    """:func:`forecast`, or ``(None, reason)`` when the series cannot support one.

    Reports use it to state plainly why a series has no forecast instead of failing.

    >>> import datetime as dt, polars as pl
    >>> short = pl.DataFrame({"month": [dt.date(2025, m, 1) for m in (1, 2, 3)], "value": [1, 2, 3]})
    >>> result, reason = try_forecast(short, horizon=3)
    >>> result is None and "6" in reason
    True
    """
    from .errors import InsufficientData

    try:
        result = forecast(series, **kwargs)
    except InsufficientData as exc:
        return None, str(exc)
    return result, result.summary
