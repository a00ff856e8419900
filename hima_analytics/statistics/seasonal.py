"""The seasonal-naive baseline that reaches across gaps: each month forecast as the same month a
year earlier wherever that month was published, scored on the same backtest points as the
models."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

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


def growth_basis(frame: pl.DataFrame, last: dt.date, horizon: int, period: int = 12) -> pl.DataFrame:
    """How the growth-adjusted seasonal baseline (:func:`growth_seasonal_frame`) builds each month
    from ``last``, from the most recent information each month has:

    - a month outside January-February: ``mean = y[m - 12] * g``, with ``g`` the
      :func:`yoy_growth` (median of the latest year-on-year ratios outside January-February);
    - a February whose January is published: the pair grows as January did, the latest
      year-on-year ratio known for the pair, ``ratio = Jan / Jan a year earlier``, and
      ``mean = (Jan + Feb a year earlier) * ratio - Jan``, which is the same as
      ``Feb a year earlier * ratio``. January's ratio also carries any shift of the New Year
      between the two Januaries, which is why it is used only for its own pair;
    - a January or February without a published January: the pair total is
      ``(Jan + Feb a year earlier) * g``, split so that the month holding the New Year
      (:func:`~.calendar.cny_date`) takes the smaller month's share of the year-earlier pair
      (the trough follows the holiday) and the other month the larger share.

    The rows stop at the first month whose reference is not published (none when ``g`` cannot
    be measured). Columns: ``month``, ``mean``, ``basis`` ("same month a year earlier",
    "pair less January", "share of the pair"), ``reference`` (the year-earlier month, or the
    year-earlier pair total), ``ratio``, ``ratio_from`` (the months the ratio was measured on,
    as ``(first, last)`` month dates of the ratios, or January's month), ``ratio_to`` and
    ``known`` (the published January subtracted, else null).

    >>> import datetime as dt, polars as pl
    >>> ms = [dt.date(2024, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2025, m, 1) for m in range(1, 13)]
    >>> ys = [100.0, 100, 100, 100, 80, 40, 90, 90, 90, 90, 90, 90, 200, 200, 200, 200]
    >>> f = pl.DataFrame({"month": ms + [dt.date(2026, 1, 1)], "y": ys + [120.0]})
    >>> b = growth_basis(f, dt.date(2026, 1, 1), 1).row(0, named=True)
    >>> b["basis"], b["reference"], b["ratio"], b["known"], b["mean"]  # Jan grew 1.5x: (80 + 40) * 1.5 - 120
    ('pair less January', 120.0, 1.5, 120.0, 60.0)
    """
    from .calendar import CNY_DATES

    known = dict(zip(frame["month"].to_list(), frame["y"].to_list(), strict=True))
    g = yoy_growth(frame, last, period)
    g_months = _growth_months(frame, last, period)
    rows: list[dict[str, Any]] = []
    for h in range(horizon if g is not None else 0):
        m = add_months(last, h + 1)
        row: dict[str, Any] = {
            "month": m,
            "ratio": g,
            "ratio_from": g_months[-1],
            "ratio_to": g_months[0],
            "known": None,
        }
        if m.month not in (1, 2):
            ref = known.get(add_months(m, -period))
            if ref is None:
                break
            row |= {"basis": "same month a year earlier", "reference": ref, "mean": ref * g}  # type: ignore[operator]
        else:
            jan, feb = known.get(dt.date(m.year - 1, 1, 1)), known.get(dt.date(m.year - 1, 2, 1))
            if jan is None or feb is None or m.year not in CNY_DATES or jan + feb <= 0:
                break
            jan_month = dt.date(m.year, 1, 1)
            jan_now = known.get(jan_month) if jan_month <= last else None
            if m.month == 2 and jan_now is not None and jan > 0:
                ratio = jan_now / jan
                row |= {
                    "basis": "pair less January",
                    "reference": jan + feb,
                    "ratio": ratio,
                    "ratio_from": jan_month,
                    "ratio_to": jan_month,
                    "known": jan_now,
                    "mean": max(0.0, (jan + feb) * ratio - jan_now),
                }
            else:
                holds_cny = CNY_DATES[m.year].month == m.month
                share = (min(jan, feb) if holds_cny else max(jan, feb)) / (jan + feb)
                row |= {"basis": "share of the pair", "reference": jan + feb, "mean": (jan + feb) * g * share}  # type: ignore[operator]
        rows.append(row)
    return pl.DataFrame(
        rows,
        schema={
            "month": pl.Date,
            "mean": pl.Float64,
            "basis": pl.String,
            "reference": pl.Float64,
            "ratio": pl.Float64,
            "ratio_from": pl.Date,
            "ratio_to": pl.Date,
            "known": pl.Float64,
        },
    )


def _growth_months(frame: pl.DataFrame, last: dt.date, period: int) -> list[dt.date | None]:
    """The months whose year-on-year ratios :func:`yoy_growth` takes the median of, latest first."""
    known = dict(zip(frame["month"].to_list(), frame["y"].to_list(), strict=True))
    months = [
        m
        for m in sorted(known, reverse=True)
        if m <= last and m.month not in (1, 2) and known.get(add_months(m, -period)) and known[m] is not None
    ][:GROWTH_MONTHS]
    return months if len(months) == GROWTH_MONTHS else [None]


def growth_formula(basis: dict) -> str:
    """One row of :func:`growth_basis` as the sum it is, with its own numbers (plain text).

    >>> import datetime as dt
    >>> row = {"month": dt.date(2026, 2, 1), "mean": 35_600.9, "basis": "pair less January",
    ...        "reference": 56_504.0, "ratio": 1.655, "ratio_from": dt.date(2026, 1, 1),
    ...        "ratio_to": dt.date(2026, 1, 1), "known": 57_915.0}
    >>> growth_formula(row)
    'Feb 2026 = (Jan + Feb 2025: 56,504) × 1.655 (Jan 2026 over Jan 2025) − Jan 2026 (57,915) = 35,601'
    >>> growth_formula(row | {"basis": "same month a year earlier", "reference": 20_000.0, "ratio": 1.5,
    ...                       "mean": 30_000.0, "month": dt.date(2026, 3, 1), "ratio_from": dt.date(2025, 10, 1),
    ...                       "ratio_to": dt.date(2025, 12, 1)})
    'Mar 2026 = Mar 2025 (20,000) × 1.500 (median year-on-year ratio, Oct 2025 – Dec 2025) = 30,000'
    """
    from .months import month_label

    m: dt.date = basis["month"]
    label = month_label(m)
    if basis["basis"] == "pair less January":
        return (
            f"{label} = (Jan + Feb {m.year - 1}: {basis['reference']:,.0f}) × {basis['ratio']:.3f} "
            f"(Jan {m.year} over Jan {m.year - 1}) − Jan {m.year} ({basis['known']:,.0f}) = {basis['mean']:,.0f}"
        )
    why = f"median year-on-year ratio, {month_label(basis['ratio_from'])} – {month_label(basis['ratio_to'])}"
    if basis["basis"] == "share of the pair":
        return (
            f"{label} = (Jan + Feb {m.year - 1}: {basis['reference']:,.0f}) × {basis['ratio']:.3f} ({why}) "
            f"× its share of the pair = {basis['mean']:,.0f}"
        )
    return (
        f"{label} = {month_label(add_months(m, -12))} ({basis['reference']:,.0f}) × {basis['ratio']:.3f} "
        f"({why}) = {basis['mean']:,.0f}"
    )


def growth_seasonal_frame(frame: pl.DataFrame, last: dt.date, horizon: int, period: int = 12) -> pl.DataFrame:
    """The growth-adjusted seasonal-naive forecast from ``last``: each month as published a year
    earlier times the year-on-year growth, with January and February taken together because
    Chinese New Year moves between them; see :func:`growth_basis` for the formula of each month
    (a February whose January is published grows as that January did).

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
    basis = growth_basis(frame, last, horizon, period)
    n = basis.height
    return pl.DataFrame(
        {
            "month": basis["month"],
            "mean": basis["mean"],
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
