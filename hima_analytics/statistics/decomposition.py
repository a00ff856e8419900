"""Trend and seasonality: STL / MSTL decomposition of a monthly series, with strength measures."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ..vocabulary import counted
from .calendar import is_cny_month
from .errors import InsufficientData
from .months import clean_series, gap_note, longest_run


@dataclass(frozen=True)
class DecompositionResult:
    """Output of :func:`decompose`.

    - ``components``: month, observed, trend, seasonal, resid, cny_month (bool; null outside
      2015-2035), one row per month of the run used;
    - ``strength``: ``{"trend": F_T, "seasonal": F_S}``, fractions in [0, 1];
    - ``method``: ``"stl"`` or ``"mstl"``; ``summary``: a few plain sentences.
    """

    components: pl.DataFrame
    strength: dict[str, float]
    method: str
    summary: str


def _strength(part: list[float], resid: list[float]) -> float:
    import numpy as np

    r = np.asarray(resid)
    both = np.asarray(part) + r
    denom = float(np.var(both, ddof=1))
    if denom <= 0:
        return 0.0
    return max(0.0, 1.0 - float(np.var(r, ddof=1)) / denom)


def _label(x: float) -> str:
    return "strong" if x >= 0.64 else "moderate" if x >= 0.4 else "weak"


def decompose(
    series: pl.DataFrame,
    *,
    value: str = "value",
    month: str = "month",
    period: int = 12,
    robust: bool = True,
    method: Literal["stl", "mstl"] = "stl",
) -> DecompositionResult:
    """Split a monthly series into trend, seasonal and remainder with STL (or MSTL).

    Gap policy: STL needs evenly spaced data, so only the longest contiguous run of months is
    decomposed (the latest on a tie) and the summary says which months were used. Nothing is
    filled. The run must have at least ``2 * period + 1`` months (25 for monthly data), or
    :class:`InsufficientData` is raised naming the minimum and the longest run found.

    Strength (Wang, Smith and Hyndman 2006), fractions in [0, 1]:
    ``F_T = max(0, 1 - var(R) / var(T + R))`` and ``F_S = max(0, 1 - var(R) / var(S + R))``,
    where T, S and R are the trend, seasonal and remainder; above about 0.64 is "strong".
    ``robust=True`` downweights outliers (launch spikes). ``method="mstl"`` runs MSTL with the
    single period; its seasonal column is the sum of MSTL's seasonal terms. Units of the
    components are those of ``value``.

    >>> import datetime as dt, math, polars as pl
    >>> months = pl.date_range(dt.date(2021, 1, 1), dt.date(2023, 12, 1), "1mo", eager=True)
    >>> y = [1000 + 10 * i + 200 * math.sin(2 * math.pi * i / 12) for i in range(36)]
    >>> res = decompose(pl.DataFrame({"month": months, "value": y}))
    >>> res.components.columns
    ['month', 'observed', 'trend', 'seasonal', 'resid', 'cny_month']
    >>> res.strength["seasonal"] > 0.9, res.strength["trend"] > 0.9
    (True, True)
    """
    if method not in ("stl", "mstl"):
        raise ValueError(f"decompose: expected method 'stl' or 'mstl'; got {method!r}.")
    if period < 2:
        raise ValueError(f"decompose: expected period >= 2; got {period}.")
    frame = clean_series(series, value=value, month=month, where="decompose")
    run = longest_run(frame)
    minimum = 2 * period + 1
    if run.n < minimum:
        got = f"{counted(frame.height, 'month')} observed, longest contiguous run {run.describe()}"
        raise InsufficientData(
            where="decompose",
            minimum=minimum,
            got=got,
            hint=(
                f"STL with period={period} needs {minimum} consecutive months (two full cycles plus one); "
                "gaps are not filled. Use a longer series or a smaller period."
            ),
        )
    import numpy as np

    y = np.asarray(run.values, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "stl":
            from statsmodels.tsa.seasonal import STL

            fit = STL(y, period=period, robust=robust).fit()
            trend, seasonal, resid = np.asarray(fit.trend), np.asarray(fit.seasonal), np.asarray(fit.resid)
        else:
            from statsmodels.tsa.seasonal import MSTL

            fit = MSTL(y, periods=[period], stl_kwargs={"robust": robust}).fit()
            seas = np.asarray(fit.seasonal)
            seasonal = seas.sum(axis=1) if seas.ndim == 2 else seas
            trend, resid = np.asarray(fit.trend), np.asarray(fit.resid)
    components = pl.DataFrame(
        {
            "month": run.months,
            "observed": y,
            "trend": trend,
            "seasonal": seasonal,
            "resid": resid,
        }
    ).with_columns(is_cny_month("month"))
    strength = {"trend": _strength(list(trend), list(resid)), "seasonal": _strength(list(seasonal), list(resid))}
    cny = components.filter(pl.col("cny_month").fill_null(False))
    cny_text = ""
    if not cny.is_empty():
        mean_cny = float(cny["seasonal"].mean())  # type: ignore[arg-type]
        cny_text = (
            f" Chinese New Year fell in {cny.height} of these months; their average seasonal "
            f"effect is {mean_cny:+,.0f} (units of {value})."
        )
    short = ""
    if run.n < 3 * period:
        short = (
            f" Caveat: fewer than three full cycles ({run.n} months), so each month-of-year has only two "
            "observations; the seasonal component absorbs much of the noise and the strengths are overstated."
        )
    summary = (
        f"{method.upper()} decomposition (period {period}, robust={robust}). {gap_note(frame, run)} "
        f"Trend strength {strength['trend']:.2f} ({_label(strength['trend'])}), seasonal strength "
        f"{strength['seasonal']:.2f} ({_label(strength['seasonal'])}).{cny_text}{short}"
    )
    return DecompositionResult(components=components, strength=strength, method=method, summary=summary)
