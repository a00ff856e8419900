"""The seasonal-naive baseline that reaches across gaps: each month forecast as the same month a
year earlier wherever that month was published, scored on the same backtest points as the
models."""

from __future__ import annotations

import datetime as dt
import statistics

import polars as pl

from .models import ModelSpec
from .months import MonthRun, add_months

SEASONAL_LABEL = "seasonal naive (same month a year earlier)"
FORECAST_SCHEMA = {
    "month": pl.Date,
    "mean": pl.Float64,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "model": pl.String,
    "note": pl.String,
}
"""The columns of a forecast path: ``note`` says when an interval end was truncated at zero."""


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
            "note": [None] * horizon,
        },
        schema=FORECAST_SCHEMA,
    )


GROWTH_LABEL = "seasonal naive with growth (New Year aligned)"
GROWTH_MONTHS = 3
"""Year-on-year ratios the growth-adjusted seasonal baseline needs (the median of the latest ones)."""


def yoy_growth(frame: pl.DataFrame, last: dt.date, period: int = 12) -> float | None:
    """The median of the latest :data:`GROWTH_MONTHS` year-on-year ratios ``y[m] / y[m - period]``
    up to ``last``, over months outside January and February (Chinese New Year moves between
    them, so their ratios mix growth with the holiday); None when fewer are published.

    >>> import datetime as dt, polars as pl
    >>> ms = [dt.date(2024, m, 1) for m in (9, 10, 11)] + [dt.date(2025, m, 1) for m in (9, 10, 11)]
    >>> f = pl.DataFrame({"month": ms, "y": [100.0, 100.0, 100.0, 120.0, 150.0, 130.0]})
    >>> yoy_growth(f, dt.date(2025, 11, 1))
    1.3
    """
    known = dict(zip(frame["month"].to_list(), frame["y"].to_list(), strict=True))
    ratios = [
        known[m] / known[add_months(m, -period)]
        for m in sorted(known, reverse=True)
        if m <= last and m.month not in (1, 2) and known.get(add_months(m, -period)) and known[m] is not None
    ][:GROWTH_MONTHS]
    if len(ratios) < GROWTH_MONTHS:
        return None
    return float(statistics.median(ratios))


def growth_seasonal_frame(frame: pl.DataFrame, last: dt.date, horizon: int, period: int = 12) -> pl.DataFrame:
    """The growth-adjusted seasonal-naive forecast from ``last``: each month as published a year
    earlier times the year-on-year growth ``g`` (:func:`yoy_growth`), with January and February
    taken together because Chinese New Year moves between them:

    - a month outside January-February: ``y[m - 12] * g``;
    - January and February: their pair total is ``(Jan + Feb a year earlier) * g``; a February
      whose January is published gets the pair total less that January; otherwise the month
      holding the New Year (:func:`~.calendar.cny_date`) gets the smaller month's share of the
      year-earlier pair (the trough follows the holiday) and the other month the larger share.

    The path stops at the first month whose reference is not published, so it may be shorter
    than ``horizon`` (empty when the growth cannot be measured). No interval: too few seasonal
    pairs to estimate one honestly. ``frame`` has columns ``month`` and ``y``.

    >>> import datetime as dt, polars as pl
    >>> ms = [dt.date(2024, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2025, m, 1) for m in range(1, 13)]
    >>> ys = [100.0, 100, 100, 100, 80, 40, 90, 90, 90, 90, 90, 90, 200, 200, 200, 200]
    >>> f = growth_seasonal_frame(pl.DataFrame({"month": ms, "y": ys}), dt.date(2025, 12, 1), 4)
    >>> f["mean"].to_list()  # g = 2; the 2026 New Year is in February, which takes 40 / 120 of the pair
    [160.0, 80.0, 180.0, 180.0]
    """
    from .calendar import CNY_DATES

    known = dict(zip(frame["month"].to_list(), frame["y"].to_list(), strict=True))
    g = yoy_growth(frame, last, period)
    months: list[dt.date] = []
    means: list[float] = []
    for h in range(horizon if g is not None else 0):
        m = add_months(last, h + 1)
        if m.month not in (1, 2):
            ref = known.get(add_months(m, -period))
            if ref is None:
                break
            means.append(ref * g)  # type: ignore[operator]
        else:
            jan, feb = known.get(dt.date(m.year - 1, 1, 1)), known.get(dt.date(m.year - 1, 2, 1))
            if jan is None or feb is None or m.year not in CNY_DATES or jan + feb <= 0:
                break
            pair = (jan + feb) * g  # type: ignore[operator]
            jan_now = known.get(dt.date(m.year, 1, 1)) if dt.date(m.year, 1, 1) <= last else None
            if m.month == 2 and jan_now is not None:
                means.append(max(0.0, pair - jan_now))
            else:
                holds_cny = CNY_DATES[m.year].month == m.month
                share = (min(jan, feb) if holds_cny else max(jan, feb)) / (jan + feb)
                means.append(pair * share)
        months.append(m)
    n = len(months)
    return pl.DataFrame(
        {
            "month": months,
            "mean": means,
            "lower": [None] * n,
            "upper": [None] * n,
            "model": [GROWTH_LABEL] * n,
            "note": [None] * n,
        },
        schema=FORECAST_SCHEMA,
    )


def with_growth_seasonal(
    scores: pl.DataFrame, predictions: pl.DataFrame, frame: pl.DataFrame, period: int
) -> pl.DataFrame:
    """Add the growth-adjusted seasonal baseline (:func:`growth_seasonal_frame`, refitted at each
    origin on the months published up to it) scored on the backtest points it can forecast."""
    ref = predictions.filter(pl.col("model") == predictions["model"][0]) if predictions.height else predictions
    parts = []
    for origin in ref["origin"].unique().sort().to_list():
        steps = int(ref.filter(pl.col("origin") == origin)["step"].max())  # type: ignore[arg-type]
        path = growth_seasonal_frame(frame.filter(pl.col("month") <= origin), origin, steps, period)
        parts.append(
            ref.filter(pl.col("origin") == origin).join(
                path.select("month", pl.col("mean").alias("_f")), on="month", how="inner"
            )
        )
    pts = pl.concat(parts) if parts else ref.with_columns(pl.lit(None, dtype=pl.Float64).alias("_f"))
    row = pl.DataFrame(
        {
            "model": [GROWTH_LABEL],
            "origins": [pts["origin"].n_unique() if pts.height else 0],
            "points": [pts.height],
            "mape": [((pts["actual"] - pts["_f"]).abs() / pts["actual"]).mean() if pts.height else None],
            "mase": [((pts["actual"] - pts["_f"]).abs() / pts["scale"]).mean() if pts.height else None],
        },
        schema={"model": pl.String, "origins": pl.Int64, "points": pl.Int64, "mape": pl.Float64, "mase": pl.Float64},
    )
    return pl.concat([scores, row])
