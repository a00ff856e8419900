"""The report contract: what a report notebook's parameters may be, how they are checked, and
how a report starts.

A report notebook has a ``parameters`` cell of literals, then calls :func:`start` with them.
:func:`check` is the same validation without any display set-up; the report grid calls it
for every declared run before a kernel starts. Display lives in :mod:`hima_analytics.display`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, get_args

import polars as pl

from .errors import ParameterError, did_you_mean

__all__ = ["LATEST", "Params", "RULES", "check", "forecast_methods", "hima_brands", "start"]

#: The value of a month parameter meaning "the latest month with data".
LATEST = "latest"


def hima_brands() -> tuple[str, ...]:
    """The alliance's brands, from the entities table (level brand, parent HIMA), in the order
    of their first delivery.

    >>> hima_brands()[:2]
    ('AITO', 'LUXEED')
    """
    from .catalog import load

    e = load("entities").filter((pl.col("level") == "brand") & (pl.col("parent") == "HIMA"))
    return tuple(e.sort(pl.col("first_delivery_date"), "entity", nulls_last=True)["entity"].cast(pl.String))


def forecast_methods() -> tuple[str, ...]:
    """The forecast methods, from :data:`hima_analytics.statistics.forecasting.Method`."""
    from .statistics.forecasting import Method

    return get_args(Method)


def _month(name: str, value: Any) -> dt.date | str:
    if value == LATEST and name == "month":
        return LATEST
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}", value):
        extra = f" or {LATEST!r}" if name == "month" else ""
        raise ParameterError(f"parameter {name}={value!r}: expected a month 'YYYY-MM'{extra}, e.g. '2025-06'.")
    year, month = map(int, value.split("-"))
    if not 1 <= month <= 12:
        raise ParameterError(f"parameter {name}={value!r}: month {month} is not 01-12.")
    if not 2015 <= year <= dt.date.today().year + 1:
        raise ParameterError(f"parameter {name}={value!r}: year {year} is outside 2015..{dt.date.today().year + 1}.")
    return dt.date(year, month, 1)


def _choice(options: Callable[[], Sequence[str]]) -> Callable[[str, Any], str]:
    def check_choice(name: str, value: Any) -> str:
        allowed = tuple(options())
        if value not in allowed:
            raise ParameterError(
                f"parameter {name}={value!r}: expected one of {', '.join(allowed)}." + did_you_mean(value, allowed)
            )
        return value

    return check_choice


def _entity_list(name: str, value: Any) -> tuple[str, ...]:
    from .catalog import load

    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    known = sorted(load("entities")["entity"].cast(pl.String))
    unknown = [v for v in items if v not in known]
    if unknown or not items:
        hints = "".join(did_you_mean(u, known) for u in unknown)
        raise ParameterError(f"parameter {name}={value!r}: unknown entities {unknown}.{hints}")
    return tuple(items)


def _company(name: str, value: Any) -> str:
    from .catalog import load

    return _choice(lambda: sorted(load("companies")["company"].cast(pl.String)))(name, value)


def _int_range(lo: int, hi: int) -> Callable[[str, Any], int]:
    def check_int(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ParameterError(f"parameter {name}={value!r}: expected a whole number from {lo} to {hi}.")
        return value

    return check_int


def _verdicts() -> tuple[str, ...]:
    from .claims import VERDICTS

    return ("all", *VERDICTS)


#: Every report parameter and how it is checked. Unknown names are rejected.
RULES: dict[str, Callable[[str, Any], Any]] = {
    "start": _month,
    "end": _month,
    "month": _month,
    "brand": _choice(hima_brands),
    "company": _company,
    "peers": _entity_list,
    "horizon": _int_range(1, 24),
    "method": _choice(forecast_methods),
    "backtest_origins": _int_range(1, 24),
    "verdicts": _choice(_verdicts),
}


@dataclass(frozen=True)
class Params:
    """Validated parameters, read-only."""

    values: MappingProxyType

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def check(params: Mapping[str, Any]) -> Params:
    """Validate report parameters: unknown names and bad values raise
    :class:`~hima_analytics.errors.ParameterError`.

    >>> check({"start": "2025-01", "end": "2025-06"}).end
    datetime.date(2025, 6, 1)
    >>> check({"brand": "AITOO"})
    Traceback (most recent call last):
    ...
    hima_analytics.errors.ParameterError: parameter brand='AITOO': expected one of AITO, ... Did you mean 'AITO'?
    """
    unknown = [k for k in params if k not in RULES]
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {unknown}; known: {', '.join(RULES)}."
            + "".join(did_you_mean(u, RULES) for u in unknown)
        )
    values = {k: RULES[k](k, v) for k, v in params.items()}
    if (
        isinstance(values.get("start"), dt.date)
        and isinstance(values.get("end"), dt.date)
        and values["start"] > values["end"]
    ):
        raise ParameterError(f"start {params['start']} is after end {params['end']}.")
    return Params(MappingProxyType(values))


def start(**params: Any) -> Params:
    """Validate a notebook's parameters (see :func:`check`) and set up display, before any
    work is done."""
    from . import display

    checked = check(params)
    display.setup()
    return checked
