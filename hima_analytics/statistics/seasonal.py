"""The seasonal-naive baseline that reaches across gaps: each month forecast as the same month a
year earlier wherever that month was published, scored on the same backtest points as the
models."""

from __future__ import annotations

import polars as pl

from .models import ModelSpec
from .months import MonthRun, add_months

SEASONAL_LABEL = "seasonal naive (same month a year earlier)"


def with_seasonal_naive(
    scores: pl.DataFrame, predictions: pl.DataFrame, frame: pl.DataFrame, baselines: list[ModelSpec], period: int
) -> pl.DataFrame:
    """Add the seasonal-naive baseline scored on the same (origin, month) points as the other
    models, with the forecast for a month taken from the published figure ``period`` months
    earlier anywhere in the series (not only in the contiguous run): the baseline that knows the
    Chinese New Year trough. Points whose month a year earlier was not published are skipped;
    with none left its scores are null."""
    if any(b.family == "seasonal_naive" for b in baselines):
        return scores
    ref = predictions.filter(pl.col("model") == predictions["model"][0]) if predictions.height else predictions
    year_ago = frame.select(pl.col("month").dt.offset_by(f"{period}mo").alias("month"), pl.col("y").alias("_f"))
    pts = ref.join(year_ago, on="month", how="inner")
    row = pl.DataFrame(
        {
            "model": [SEASONAL_LABEL],
            "origins": [pts["origin"].n_unique() if pts.height else 0],
            "points": [pts.height],
            "mape": [((pts["actual"] - pts["_f"]).abs() / pts["actual"]).mean() if pts.height else None],
            "mase": [((pts["actual"] - pts["_f"]).abs() / pts["scale"]).mean() if pts.height else None],
        },
        schema={"model": pl.String, "origins": pl.Int64, "points": pl.Int64, "mape": pl.Float64, "mase": pl.Float64},
    )
    return pl.concat([scores, row])


def seasonal_frame(frame: pl.DataFrame, run: MonthRun, horizon: int, period: int) -> pl.DataFrame:
    """The seasonal-naive forecast: each future month as published ``period`` months earlier
    (null where that month was not published). No interval: the series has too few seasonal
    pairs to estimate one honestly."""
    months = [add_months(run.months[-1], h + 1) for h in range(horizon)]
    known = dict(zip(frame["month"].to_list(), frame["y"].to_list()))
    mean = [known.get(add_months(m, -period)) for m in months]
    return pl.DataFrame(
        {
            "month": months,
            "mean": mean,
            "lower": [None] * horizon,
            "upper": [None] * horizon,
            "model": [SEASONAL_LABEL] * horizon,
        },
        schema={"month": pl.Date, "mean": pl.Float64, "lower": pl.Float64, "upper": pl.Float64, "model": pl.String},
    )
