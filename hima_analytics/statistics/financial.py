"""Financial relationships: gross margin against volume (and mix) over the quarters."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ..metrics.series import require_columns

PeriodType = Literal["Q", "H", "9M", "FY"]
_KEYS = ["period_start", "period_end"]  # a period's key in every frame here


@dataclass(frozen=True)
class MarginVolumeResult:
    """Output of :func:`margin_vs_volume`.

    - ``data``: period_start, period_end, gross_margin (fraction), volume (vehicles),
      volume_source, mix (if used): the periods in the regression;
    - ``coefficients``: term, coef, std_err, ci_low, ci_high, p_value;
    - ``n``: number of periods; ``summary``: plain text with the sample-size caveat.
    """

    data: pl.DataFrame
    coefficients: pl.DataFrame
    n: int
    summary: str


def margin_vs_volume(
    financials: pl.DataFrame,
    *,
    company: str = "SERES",
    period_type: PeriodType = "Q",
    volumes: pl.DataFrame | None = None,
    mix_metric: str | None = None,
    level: float = 0.95,
) -> MarginVolumeResult:
    """OLS of gross margin on log volume (and mix) for one company over its periods.

    Model: ``gross_margin = a + b * ln(volume) [+ c * mix] + u`` over the periods where all
    terms exist (nothing is filled). ``b`` is the change in margin (a fraction; 0.01 = one
    percentage point) for a 100 % log-change in volume, so ``b * ln(1.1)`` is the margin change
    for 10 % more vehicles. Classical OLS standard errors with t-based intervals at ``level``.

    - gross margin: the reported ``gross_margin`` metric, else ``gross_profit / revenue``;
    - volume: from ``volumes`` if given (monthly volumes, e.g. ``ha.load("volumes",
      entity="SERES_GROUP")``, summed over periods whose every month is present), else the
      ``vehicle_sales`` metric, falling back to ``deliveries`` (``volume_source`` says which);
    - mix: the metric named ``mix_metric`` (a fraction), if given.

    The sample is tiny (a handful of quarters), so the summary always prints ``n`` and a
    caveat. Raises :class:`InsufficientData` with fewer than ``parameters + 1`` periods.

    >>> import datetime as dt, polars as pl
    >>> q = [dt.date(2024, m, 1) for m in (1, 4, 7, 10)] + [dt.date(2025, 1, 1)]
    >>> ends = [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2024, 12, 31),
    ...         dt.date(2025, 3, 31)]
    >>> gm = [0.20, 0.24, 0.26, 0.27, 0.22]
    >>> vol = [80_000, 120_000, 150_000, 170_000, 100_000]
    >>> rows = [{"company": "S", "period_type": "Q", "period_start": s, "period_end": e, "metric": m,
    ...          "value": float(v), "unit": u} for s, e, g, n in zip(q, ends, gm, vol)
    ...         for m, v, u in (("gross_margin", g, "fraction"), ("vehicle_sales", n, "units"))]
    >>> res = margin_vs_volume(pl.DataFrame(rows), company="S")
    >>> res.n, res.coefficients["term"].to_list()
    (5, ['const', 'log_volume'])
    >>> round(res.coefficients["coef"][1], 3)
    0.094
    """
    from .errors import InsufficientData

    require_columns(
        financials, ["company", "period_type", "period_start", "period_end", "metric", "value"], "margin_vs_volume"
    )
    fin = financials.filter(
        pl.col("company").cast(pl.String) == company, pl.col("period_type").cast(pl.String) == period_type
    ).with_columns(pl.col("metric").cast(pl.String))
    if fin.is_empty():
        have = sorted(financials["company"].cast(pl.String).unique().to_list())
        raise ValueError(f"margin_vs_volume: no {period_type} rows for company {company!r}; companies: {have}.")
    gm = _gross_margin(fin)
    vol = _volumes_from_months(gm, volumes) if volumes is not None else _volumes_from_metrics(fin)
    data = gm.join(vol, on=_KEYS).filter(pl.col("volume") > 0)
    terms = ["const", "log_volume"]
    if mix_metric is not None:
        data = data.join(_metric(fin, mix_metric).rename({mix_metric: "mix"}), on=_KEYS)
        terms.append("mix")
    data = data.sort(_KEYS)
    n, k = data.height, len(terms)
    if n < k + 1:
        found = ", ".join(f"{d:%Y-%m-%d}" for d in data["period_start"].to_list()) or "none"
        raise InsufficientData(
            where="margin_vs_volume",
            minimum=k + 1,
            unit=f"{period_type} periods with both margin and volume",
            got=f"{n} for {company} (period starts: {found})",
            hint=(
                "the monthly volumes given cover too few complete periods that also report a gross margin."
                if volumes is not None
                else "pass volumes= (monthly volumes summed to complete periods) or add vehicle_sales for "
                "the quarters that report a gross margin."
            ),
        )
    coefficients = _fit_coefficients(data, terms, level)
    summary = _summary(data, coefficients, company=company, period_type=period_type, mix=mix_metric, level=level)
    return MarginVolumeResult(data=data, coefficients=coefficients, n=n, summary=summary)


def _metric(fin: pl.DataFrame, name: str) -> pl.DataFrame:
    """One metric's values by period, in a column named after it."""
    return fin.filter(pl.col("metric") == name).select(*_KEYS, pl.col("value").alias(name))


def _gross_margin(fin: pl.DataFrame) -> pl.DataFrame:
    """The reported gross margin per period, else gross profit over (positive) revenue."""
    gm = _metric(fin, "gross_margin")
    derived = (
        _metric(fin, "gross_profit")
        .join(_metric(fin, "revenue"), on=_KEYS)
        .select(
            *_KEYS,
            pl.when(pl.col("revenue") > 0).then(pl.col("gross_profit") / pl.col("revenue")).alias("gross_margin"),
        )
    )
    return pl.concat([gm, derived.join(gm, on=_KEYS, how="anti")]).drop_nulls()


def _volumes_from_months(gm: pl.DataFrame, volumes: pl.DataFrame) -> pl.DataFrame:
    """Monthly volumes summed over the margin's periods, keeping only periods with every month."""
    require_columns(volumes, ["month", "value"], "margin_vs_volume (volumes)")
    v = volumes.select("month", pl.col("value").cast(pl.Float64)).drop_nulls()
    periods = gm.select(*_KEYS)
    per = periods.join(v, how="cross").filter(
        pl.col("month") >= pl.col("period_start"), pl.col("month") <= pl.col("period_end")
    )
    expected = periods.with_columns(
        (
            (pl.col("period_end").dt.year() - pl.col("period_start").dt.year()) * 12
            + pl.col("period_end").dt.month()
            - pl.col("period_start").dt.month()
            + 1
        ).alias("_need")
    )
    return (
        per.group_by(_KEYS)
        .agg(pl.col("value").sum().alias("volume"), pl.len().alias("_have"))
        .join(expected, on=_KEYS)
        .filter(pl.col("_have") == pl.col("_need"))
        .select(*_KEYS, "volume", pl.lit("monthly volumes (complete periods)").alias("volume_source"))
    )


def _volumes_from_metrics(fin: pl.DataFrame) -> pl.DataFrame:
    """The reported vehicle_sales per period, else deliveries; ``volume_source`` says which."""
    vs = (
        _metric(fin, "vehicle_sales")
        .rename({"vehicle_sales": "volume"})
        .with_columns(pl.lit("vehicle_sales").alias("volume_source"))
    )
    dl = (
        _metric(fin, "deliveries")
        .rename({"deliveries": "volume"})
        .with_columns(pl.lit("deliveries").alias("volume_source"))
    )
    return pl.concat([vs, dl.join(vs, on=_KEYS, how="anti")])


def _fit_coefficients(data: pl.DataFrame, terms: list[str], level: float) -> pl.DataFrame:
    """OLS of gross margin on the terms: coefficients, classical errors, intervals and p-values."""
    import numpy as np
    import statsmodels.api as sm

    n, k = data.height, len(terms)
    X = np.column_stack(
        [np.ones(n), np.log(data["volume"].to_numpy())] + ([data["mix"].to_numpy()] if "mix" in terms else [])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.OLS(data["gross_margin"].to_numpy(), X).fit()
    if n - k > 0:
        ci = np.asarray(fit.conf_int(alpha=1 - level))
        se, pv = list(fit.bse), list(fit.pvalues)
    else:
        ci = np.full((k, 2), math.nan)
        se = pv = [math.nan] * k
    return pl.DataFrame(
        {
            "term": terms,
            "coef": [float(v) for v in fit.params],
            "std_err": [float(v) for v in se],
            "ci_low": [float(v) for v in ci[:, 0]],
            "ci_high": [float(v) for v in ci[:, 1]],
            "p_value": [float(v) for v in pv],
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))


def _summary(
    data: pl.DataFrame, coefficients: pl.DataFrame, *, company: str, period_type: str, mix: str | None, level: float
) -> str:
    """The plain-text summary: the sample, the slope as margin points for 10 % more vehicles, the caveat."""
    n, k = data.height, coefficients.height
    b = coefficients.row(1, named=True)
    sources = sorted(set(data["volume_source"].to_list()))
    lines = [
        f"OLS of {company} gross margin on ln(volume){' and mix' if mix else ''} over {n} {period_type} "
        f"periods ({data['period_start'][0]:%Y-%m} to {data['period_start'][-1]:%Y-%m}); volume from "
        f"{' and '.join(sources)}.",
        f"Slope {b['coef']:+.4f} per unit of ln(volume): {b['coef'] * math.log(1.1) * 100:+.2f} margin points "
        f"for 10% more vehicles"
        + (
            f" ({level:.0%} CI {b['ci_low'] * math.log(1.1) * 100:+.2f} to {b['ci_high'] * math.log(1.1) * 100:+.2f})."
            if b["ci_low"] is not None
            else "; no interval (no residual degrees of freedom)."
        ),
        f"Caveat: n = {n} periods for {k} parameters ({n - k} residual degrees of freedom). This sample is tiny; "
        "the estimate is descriptive, not a reliable elasticity, and mix, pricing and Huawei fees move margins too.",
    ]
    return " ".join(lines)
