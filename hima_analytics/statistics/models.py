"""Forecasting model specifications and their fits (ETS, SARIMAX and the two baselines).

A :class:`ModelSpec` is a small frozen description of one model; :func:`fit_forecast` fits it to
an evenly spaced array and returns point forecasts and prediction intervals as plain arrays.

Intervals:

- ETS (additive errors) and SARIMAX: the models' own analytic prediction intervals
  (``get_prediction`` / ``get_forecast``); no simulation, so no random numbers are involved.
- Baselines: empirical quantiles of the in-sample one-step residuals (naive: ``y[t] - y[t-1]``;
  seasonal naive: ``y[t] - y[t-m]``), widened by ``sqrt(k)`` where ``k = h`` for naive and
  ``k = floor((h - 1) / m) + 1`` for seasonal naive (the random-walk rule). Each bound is
  clipped so that the point forecast always lies inside its interval.

Before fitting ETS or SARIMAX the series is divided by its mean absolute value (the models are
additive, so forecasts and intervals scale back exactly); this only helps the optimiser.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

Family = Literal["naive", "seasonal_naive", "ets", "sarimax"]
EtsTrend = Literal["none", "add", "damped"]


@dataclass(frozen=True)
class ModelSpec:
    """One forecasting model.

    Build with the constructors :meth:`naive`, :meth:`seasonal_naive`, :meth:`ets` and
    :meth:`sarimax`; ``label`` is the text used in frames and summaries and ``min_train`` the
    fewest consecutive months the model is fitted on.

    >>> ModelSpec.ets(trend="damped").label
    'ETS(A,Ad,N)'
    >>> ModelSpec.sarimax(order=(1, 0, 0), constant=True).label
    'SARIMAX(1,0,0)+c'
    >>> ModelSpec.seasonal_naive().min_train
    13
    """

    family: Family
    trend: EtsTrend = "none"
    seasonal: bool = False
    order: tuple[int, int, int] = (0, 0, 0)
    seasonal_order: tuple[int, int, int] = (0, 0, 0)
    constant: bool = False
    period: int = 12

    @classmethod
    def naive(cls) -> ModelSpec:
        """Naive baseline: every future month equals the last observed month."""
        return cls("naive")

    @classmethod
    def seasonal_naive(cls, *, period: int = 12) -> ModelSpec:
        """Seasonal-naive baseline: each future month equals the same month one period earlier."""
        return cls("seasonal_naive", period=period)

    @classmethod
    def ets(cls, *, trend: EtsTrend = "none", seasonal: bool = False, period: int = 12) -> ModelSpec:
        """ETS with additive errors, no/additive/damped trend and optional additive seasonality."""
        if trend not in ("none", "add", "damped"):
            raise ValueError(f"ModelSpec.ets: expected trend 'none', 'add' or 'damped'; got {trend!r}.")
        return cls("ets", trend=trend, seasonal=seasonal, period=period)

    @classmethod
    def sarimax(
        cls,
        *,
        order: tuple[int, int, int],
        seasonal_order: tuple[int, int, int] = (0, 0, 0),
        constant: bool = False,
        period: int = 12,
    ) -> ModelSpec:
        """SARIMAX(p,d,q)(P,D,Q,period), with an optional constant (a drift when d + D = 1)."""
        return cls(
            "sarimax",
            order=(order[0], order[1], order[2]),
            seasonal_order=tuple(seasonal_order),  # type: ignore[arg-type]
            seasonal=any(seasonal_order),
            constant=constant,
            period=period,
        )

    @property
    def label(self) -> str:
        if self.family == "naive":
            return "naive"
        if self.family == "seasonal_naive":
            return "seasonal naive" if self.period == 12 else f"seasonal naive (m={self.period})"
        if self.family == "ets":
            t = {"none": "N", "add": "A", "damped": "Ad"}[self.trend]
            return f"ETS(A,{t},{'A' if self.seasonal else 'N'})"
        p, d, q = self.order
        text = f"SARIMAX({p},{d},{q})"
        if self.seasonal:
            sp, sd, sq = self.seasonal_order
            text += f"({sp},{sd},{sq},{self.period})"
        return text + ("+c" if self.constant else "")

    @property
    def is_baseline(self) -> bool:
        return self.family in ("naive", "seasonal_naive")

    @property
    def min_train(self) -> int:
        if self.family == "naive":
            return 2
        if self.family == "seasonal_naive":
            return self.period + 1
        if self.seasonal:
            return 2 * self.period
        if self.family == "ets":
            return {"none": 5, "add": 6, "damped": 8}[self.trend]
        return max(6, 4 + sum(self.order) + int(self.constant))

    @property
    def group(self) -> str:
        """Models in one group are fitted to the same data, so their AICc values compare."""
        if self.family == "sarimax":
            return f"SARIMAX d={self.order[1]} D={self.seasonal_order[1]}"
        return self.label if self.is_baseline else "ETS"


@dataclass(frozen=True)
class Fitted:
    mean: list[float]
    lower: list[float]
    upper: list[float]
    aicc: float | None
    n_resid: int


def _baseline(y, spec: ModelSpec, horizon: int, level: float) -> Fitted:
    import numpy as np

    m = 1 if spec.family == "naive" else spec.period
    if len(y) < m:
        raise ValueError(f"{spec.label}: needs at least {m} observations; got {len(y)}.")
    mean = [float(y[len(y) - m + (h % m)]) for h in range(horizon)]
    resid = y[m:] - y[:-m] if len(y) > m else np.array([])
    if resid.size == 0:
        nan = [math.nan] * horizon
        return Fitted(mean, nan, nan, None, 0)
    q_lo = min(0.0, float(np.quantile(resid, (1 - level) / 2)))
    q_hi = max(0.0, float(np.quantile(resid, (1 + level) / 2)))
    ks = [h + 1 if m == 1 else h // m + 1 for h in range(horizon)]
    lower = [mu + q_lo * math.sqrt(k) for mu, k in zip(mean, ks, strict=True)]
    upper = [mu + q_hi * math.sqrt(k) for mu, k in zip(mean, ks, strict=True)]
    return Fitted(mean, lower, upper, None, int(resid.size))


def fit_forecast(y, spec: ModelSpec, *, horizon: int, level: float) -> Fitted:
    """Fit ``spec`` to the 1-d array ``y`` (evenly spaced, no gaps) and forecast ``horizon`` steps."""
    import numpy as np

    y = np.asarray(y, dtype=float)
    if spec.is_baseline:
        return _baseline(y, spec, horizon, level)
    scale = float(np.mean(np.abs(y))) or 1.0
    z = y / scale
    alpha = 1.0 - level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.family == "ets":
            import pandas as pd
            from statsmodels.tsa.exponential_smoothing.ets import ETSModel

            model = ETSModel(
                pd.Series(z),
                error="add",
                trend=None if spec.trend == "none" else "add",
                damped_trend=spec.trend == "damped",
                seasonal="add" if spec.seasonal else None,
                seasonal_periods=spec.period if spec.seasonal else None,
                initialization_method="heuristic" if spec.seasonal else "estimated",
            )
            res = model.fit(disp=False, maxiter=500)
            frame = res.get_prediction(start=len(z), end=len(z) + horizon - 1).summary_frame(alpha=alpha)
            mean, lower, upper = (frame[c].to_numpy() for c in ("mean", "pi_lower", "pi_upper"))
        else:
            from statsmodels.tsa.statespace.sarimax import SARIMAX

            model = SARIMAX(
                z,
                order=spec.order,
                seasonal_order=(*spec.seasonal_order, spec.period if spec.seasonal else 0),
                trend="c" if spec.constant else None,
            )
            res = model.fit(disp=False, maxiter=200)
            pred = res.get_forecast(horizon)
            mean = np.asarray(pred.predicted_mean)
            ci = np.asarray(pred.conf_int(alpha=alpha))
            lower, upper = ci[:, 0], ci[:, 1]
    aicc = float(res.aicc) if np.isfinite(res.aicc) else None
    return Fitted(
        [float(v) * scale for v in mean],
        [float(v) * scale for v in lower],
        [float(v) * scale for v in upper],
        aicc,
        len(y),
    )
