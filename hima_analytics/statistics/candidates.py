"""The candidates for a forecast: the model grid, and the rolling-origin backtest plan that
compares them with the baselines (see :func:`~.forecasting.forecast`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import ModelSpec

if TYPE_CHECKING:  # pragma: no cover
    from .forecasting import Method

MIN_ORIGINS = 3
"""Fewest backtest origins on which a model may be preferred to the baselines."""


def model_grid(method: Method, n: int, period: int) -> list[ModelSpec]:
    seasonal = n >= 2 * period
    ets = [ModelSpec.ets(trend=t, period=period) for t in ("none", "add", "damped")]
    if seasonal:
        ets += [ModelSpec.ets(trend=t, seasonal=True, period=period) for t in ("none", "add", "damped")]
    sarimax = [
        ModelSpec.sarimax(order=(1, 0, 0), constant=True, period=period),
        ModelSpec.sarimax(order=(0, 1, 1), period=period),
        ModelSpec.sarimax(order=(1, 1, 0), period=period),
        ModelSpec.sarimax(order=(0, 1, 1), constant=True, period=period),
    ]
    if seasonal:
        sarimax += [
            ModelSpec.sarimax(order=(0, 1, 1), seasonal_order=(0, 1, 1), period=period),
            ModelSpec.sarimax(order=(1, 0, 0), seasonal_order=(0, 1, 0), constant=True, period=period),
        ]
    if method == "ets":
        return ets
    if method == "sarimax":
        return sarimax
    if method == "naive":
        return [ModelSpec.naive()]
    if method == "seasonal_naive":
        return [ModelSpec.seasonal_naive(period=period)]
    return ets + sarimax


def backtest_plan(n: int, horizon: int, origins: int, min_train: int, period: int) -> tuple[int, int] | None:
    """(backtest horizon, first training length), or None when no month can be held out."""
    if n >= 2 * period + min(horizon, period // 2):
        floor = 2 * period
    elif n >= period + 2:
        floor = period + 1
    else:
        floor = min_train
    if n - floor < 1:
        return None
    h = max(1, min(horizon, n - floor, max(1, n // 3)))
    k = max(1, min(origins, n - h - floor + 1))
    if k < MIN_ORIGINS <= origins:
        # Fewer origins than can mean anything: train on less (the seasonal models drop out of the
        # grid) to gain origins, if the series allows it.
        for smaller in (period + 1, min_train):
            if smaller < floor and n - h - smaller + 1 >= MIN_ORIGINS:
                k = min(origins, n - h - smaller + 1)
                break
    return h, n - h - k + 1
