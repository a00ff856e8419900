"""Rolling-origin backtests with MAPE and MASE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ..vocabulary import counted
from .errors import InsufficientData
from .models import ModelSpec, fit_forecast
from .months import MonthRun, clean_series, gap_note, latest_run

Scale = Literal["naive", "seasonal_naive"]


@dataclass(frozen=True)
class BacktestResult:
    """Output of :func:`backtest`.

    - ``predictions``: model, origin (last training month), month, step, actual, forecast,
      abs_error, scale (the origin's in-sample MAE used by MASE);
    - ``scores``: model, origins, points, mape (fraction), mase;
    - ``summary``: plain text.
    """

    predictions: pl.DataFrame
    scores: pl.DataFrame
    summary: str


def _scale(train: Sequence[float], lag: int) -> float | None:
    diffs = [abs(train[i] - train[i - lag]) for i in range(lag, len(train))]
    if not diffs:
        return None
    s = sum(diffs) / len(diffs)
    return s if s > 0 else None


def evaluate(
    run: MonthRun, specs: Sequence[ModelSpec], *, horizon: int, first_train: int, scale: Scale, period: int = 12
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Forecast from every origin ``first_train .. n - horizon`` (training lengths) with each spec.

    Returns (predictions, scores) as described in :class:`BacktestResult`.
    """
    y, months = run.values, run.months
    lag = 1 if scale == "naive" else period
    rows: list[dict] = []
    for spec in specs:
        for t in range(first_train, run.n - horizon + 1):
            train = y[:t]
            fit = fit_forecast(train, spec, horizon=horizon, level=0.8)
            s = _scale(train, lag)
            for h in range(horizon):
                actual = y[t + h]
                rows.append(
                    {
                        "model": spec.label,
                        "origin": months[t - 1],
                        "month": months[t + h],
                        "step": h + 1,
                        "actual": actual,
                        "forecast": fit.mean[h],
                        "abs_error": abs(actual - fit.mean[h]),
                        "scale": s,
                    }
                )
    schema = {
        "model": pl.String,
        "origin": pl.Date,
        "month": pl.Date,
        "step": pl.Int64,
        "actual": pl.Float64,
        "forecast": pl.Float64,
        "abs_error": pl.Float64,
        "scale": pl.Float64,
    }
    predictions = pl.DataFrame(rows, schema=schema)
    order = {spec.label: i for i, spec in enumerate(specs)}
    scores = (
        predictions.group_by("model", maintain_order=True)
        .agg(
            pl.col("origin").n_unique().alias("origins"),
            pl.len().alias("points"),
            pl.when(pl.col("actual") > 0).then(pl.col("abs_error") / pl.col("actual")).mean().alias("mape"),
            (pl.col("abs_error") / pl.col("scale")).mean().alias("mase"),
        )
        .with_columns(pl.col("origins").cast(pl.Int64), pl.col("points").cast(pl.Int64))
        .sort(pl.col("model").replace_strict(order, return_dtype=pl.Int64))
    )
    return predictions, scores


def backtest(
    series: pl.DataFrame,
    *,
    model: ModelSpec,
    horizon: int,
    origins: int,
    value: str = "value",
    month: str = "month",
    scale: Scale = "naive",
    baselines: bool = True,
) -> BacktestResult:
    """Rolling-origin backtest of one model (and, by default, the naive and seasonal-naive baselines).

    Gap policy: like :func:`forecast`, only the contiguous run of months ending at the latest
    observation is used. The last ``origins`` origins are evaluated, one month apart, the last
    one leaving exactly ``horizon`` months to forecast; the model is refitted at each origin on
    all months up to it (expanding window).

    Metrics, over every (origin, step) pair:

    - ``MAPE = mean(|actual - forecast| / actual)``, a fraction (0.12 means 12 %), over months
      with a positive actual;
    - ``MASE = mean(|actual - forecast| / scale_o)``, where ``scale_o`` is the in-sample MAE at
      origin ``o`` of the one-step naive forecast, ``mean(|y[t] - y[t-1]|)``
      (``scale="naive"``), or of the seasonal-naive forecast, ``mean(|y[t] - y[t-12]|)``
      (``scale="seasonal_naive"``) over the training months. MASE < 1 beats that in-sample
      benchmark; all models in one backtest share the same scale, so their MASEs compare.

    The seasonal-naive baseline is included when each training window has at least 13 months.
    Raises :class:`InsufficientData` when the run is shorter than
    ``model.min_train + horizon + origins - 1``.

    >>> import datetime as dt, polars as pl
    >>> months = pl.date_range(dt.date(2024, 1, 1), dt.date(2024, 8, 1), "1mo", eager=True)
    >>> s = pl.DataFrame({"month": months, "value": [10, 12, 11, 13, 12, 14, 13, 15]})
    >>> res = backtest(s, model=ModelSpec.naive(), horizon=2, origins=2, baselines=False)
    >>> res.predictions.select("origin", "step", "actual", "forecast").rows()[:2]
    [(datetime.date(2024, 5, 1), 1, 14.0, 12.0), (datetime.date(2024, 5, 1), 2, 13.0, 12.0)]
    >>> # MAPE = mean(2/14, 1/13, 1/13, 1/15); MASE = mean(2/1.5, 1/1.5, 1/1.6, 1/1.6)
    >>> round(res.scores["mape"][0], 4), round(res.scores["mase"][0], 4)
    (0.0908, 0.8125)
    """
    if horizon < 1 or origins < 1:
        raise ValueError(f"backtest: expected horizon >= 1 and origins >= 1; got horizon={horizon}, origins={origins}.")
    frame = clean_series(series, value=value, month=month, where="backtest")
    run = latest_run(frame)
    scale_min = 2 if scale == "naive" else model.period + 1
    need_train = max(model.min_train, scale_min)
    minimum = need_train + horizon + origins - 1
    if run.n < minimum:
        raise InsufficientData(
            where="backtest",
            minimum=minimum,
            got=f"{run.describe()} ending at the latest observation",
            hint=(
                f"{model.label} needs {need_train} training months, plus horizon={horizon} and "
                f"origins={origins}; reduce origins or horizon."
            ),
        )
    first_train = run.n - horizon - origins + 1
    specs = [model]
    if baselines:
        for b in (ModelSpec.naive(), ModelSpec.seasonal_naive(period=model.period)):
            if b != model and first_train >= b.min_train:
                specs.append(b)
    predictions, scores = evaluate(
        run, specs, horizon=horizon, first_train=first_train, scale=scale, period=model.period
    )
    lines = [
        f"Rolling-origin backtest: {counted(origins, 'origin')}, horizon {horizon}, MASE scaled by the in-sample "
        f"{scale.replace('_', '-')} MAE. {gap_note(frame, run)}"
    ]
    for r in scores.iter_rows(named=True):
        lines.append(f"{r['model']}: MAPE {fmt_percent(r['mape'])}, MASE {fmt_number(r['mase'])}.")
    return BacktestResult(predictions=predictions, scores=scores, summary=" ".join(lines))


def fmt_percent(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def fmt_number(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"
