"""Helpers for report notebooks: parameter validation, display of charts with their sources and
data, and number formatting for narrative.

Notebooks stay thin: they call :func:`start` with their parameters, load data by name, call
metrics and hand the results to these helpers. Nothing here knows a file path.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import polars as pl

HIMA_BRANDS = ("AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE")
FORECAST_METHODS = ("auto", "ets", "sarimax", "seasonal_naive")
SOURCES_SHOWN = 6


class ParameterError(ValueError):
    """A report parameter is unknown or has a bad value."""


def _month(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ParameterError(f"parameter {name}={value!r}: expected a month 'YYYY-MM', e.g. '2025-06'.")
    year, month = map(int, value.split("-"))
    if not 1 <= month <= 12:
        raise ParameterError(f"parameter {name}={value!r}: month {month} is not 01-12.")
    return dt.date(year, month, 1)


def _choice(options: Sequence[str]) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if value not in options:
            import difflib

            close = difflib.get_close_matches(str(value), list(options), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ParameterError(f"parameter {name}={value!r}: expected one of {', '.join(options)}.{hint}")
        return value
    return check


def _entity_list(name: str, value: Any) -> tuple[str, ...]:
    from .catalog import load

    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    known = set(load("entities")["entity"].cast(pl.String))
    unknown = [v for v in items if v not in known]
    if unknown or not items:
        import difflib

        hints = "; ".join(f"{u!r} -> {difflib.get_close_matches(u, sorted(known), n=1)}" for u in unknown)
        raise ParameterError(f"parameter {name}={value!r}: unknown entities {unknown}. {hints}".strip())
    return tuple(items)


def _company(name: str, value: Any) -> str:
    from .catalog import load

    return _choice(tuple(sorted(load("companies")["company"].cast(pl.String))))(name, value)


def _int_range(lo: int, hi: int) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ParameterError(f"parameter {name}={value!r}: expected a whole number from {lo} to {hi}.")
        return value
    return check


#: Every report parameter and how it is checked. Unknown names are rejected.
RULES: dict[str, Callable[[str, Any], Any]] = {
    "start": _month,
    "end": _month,
    "brand": _choice(HIMA_BRANDS),
    "company": _company,
    "peers": _entity_list,
    "horizon": _int_range(1, 24),
    "method": _choice(FORECAST_METHODS),
    "backtest_origins": _int_range(1, 24),
    "verdicts": _choice(("all", "confirmed", "contradicted", "not verifiable")),
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


def start(**params: Any) -> Params:
    """Validate a notebook's parameters and set up display. Raises ParameterError on an unknown
    name or a bad value, before any work is done.

    >>> start(start="2025-01", end="2025-06").end
    datetime.date(2025, 6, 1)
    >>> start(brand="AITOO")
    Traceback (most recent call last):
    ...
    hima_analytics.notebook.ParameterError: parameter brand='AITOO': expected one of AITO, LUXEED, STELATO, MAEXTRO, SHANGJIE. Did you mean 'AITO'?
    """
    unknown = [k for k in params if k not in RULES]
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}; known: {', '.join(RULES)}.")
    values = {k: RULES[k](k, v) for k, v in params.items()}
    if "start" in values and "end" in values and values["start"] > values["end"]:
        raise ParameterError(f"start {params['start']} is after end {params['end']}.")
    _setup_display()
    return Params(MappingProxyType(values))


def _setup_display() -> None:
    from . import charts

    charts.theme()
    pl.Config.set_tbl_hide_dataframe_shape(True)
    if os.environ.get("HIMA_REPORT_MODE"):
        from .reporting import renderer

        renderer.enable(os.environ["HIMA_REPORT_MODE"])


# -- display -----------------------------------------------------------------------------------

def _sources_for(ids: Iterable[str]) -> pl.DataFrame:
    from .catalog import load

    wanted = sorted(set(i for i in ids if i))
    return load("sources").filter(pl.col("source_id").is_in(wanted)).sort("publisher", "published", "source_id")


def sources_html(*frames: pl.DataFrame, note: str | None = None) -> str:
    """A one-paragraph sources line for the figures in ``frames`` (which carry ``source_id``):
    each source's publisher and date, linked to its page; seeds by file name. Escaped."""
    ids = [i for f in frames if "source_id" in f.columns for i in f["source_id"].drop_nulls().to_list()]
    rows = _sources_for(ids)
    parts = []
    for r in rows.iter_rows(named=True):
        label = html.escape(f"{r['publisher']}, {r['published'] or 'undated'}")
        if r["url"]:
            parts.append(f'<a href="{html.escape(r["url"], quote=True)}" title="{html.escape(r["title"])}">{label}</a>')
        else:
            parts.append(f"{label} (seed {html.escape(r['seed_file'])})")
    more = f" {html.escape(note)}" if note else ""
    if not parts:
        return f'<p class="hima-sources"><strong>Sources</strong>: no sourced figures in this view.{more}</p>'
    if len(parts) <= SOURCES_SHOWN:
        return f'<p class="hima-sources"><strong>Sources</strong> ({len(parts)}): {"; ".join(parts)}.{more}</p>'
    head, rest = parts[:SOURCES_SHOWN], parts[SOURCES_SHOWN:]
    return (f'<div class="hima-sources"><p><strong>Sources</strong> ({len(parts)}): {"; ".join(head)}; …{more}</p>'
            f'<details><summary>All {len(parts)} sources</summary><p>{"; ".join(rest)}.</p></details></div>')


def csv_link(df: pl.DataFrame, name: str) -> str:
    """A link that downloads ``df`` as CSV from inside the page (a data: URI; no request)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "data"
    data = df.with_columns(pl.col(c).cast(pl.String) for c, t in df.schema.items() if isinstance(t, pl.Enum))
    payload = base64.b64encode(data.write_csv().encode("utf-8")).decode("ascii")
    return (f'<p class="hima-download"><a download="{safe}.csv" href="data:text/csv;base64,{payload}">'
            f"Download the data behind this figure ({html.escape(safe)}.csv, {df.height} rows)</a></p>")


def show(figure: Any, *, data: pl.DataFrame, name: str, sources: Sequence[pl.DataFrame] | None = None,
         note: str | None = None, empty: str = "No published figures for this view.") -> None:
    """Display a chart or table, then its sources line and a CSV download of ``data``.

    The sources line lists the sources of ``sources`` (default: of ``data`` itself); an empty
    list means the figure summarises the whole catalog and gets ``note`` instead of a list.

    When ``data`` has no non-null value the figure is replaced by the ``empty`` note: a chart
    without marks would suggest zeros where nothing was published.
    """
    from IPython.display import HTML, display

    value_cols = [c for c, t in data.schema.items() if t.is_numeric()]
    has_values = data.height > 0 and (not value_cols or data.select(pl.any_horizontal(
        pl.col(value_cols).is_not_null()).any()).item())
    if not has_values:
        display(HTML(f'<p class="hima-empty"><em>{html.escape(empty)}</em></p>'))
        return
    display(figure)
    if sources is not None and len(sources) == 0:
        line = f'<p class="hima-sources">{html.escape(note or "")}</p>' if note else ""
    else:
        line = sources_html(*(sources if sources is not None else [data]), note=note)
    display(HTML(line + csv_link(data, name)))


def md(text: str) -> None:
    """Display narrative Markdown (numbers formatted with :func:`fmt_int` / :func:`fmt_pct`)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


# -- formatting ----------------------------------------------------------------------------------

def fmt_int(x: float | int | None, unit: str = "") -> str:
    """``52747 -> '52,747'``; missing -> 'n/a'.

    >>> fmt_int(52747, "vehicles"), fmt_int(None)
    ('52,747 vehicles', 'n/a')
    """
    if x is None:
        return "n/a"
    return f"{x:,.0f}" + (f" {unit}" if unit else "")


def fmt_pct(x: float | None, decimals: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: ``0.6329 -> '63.3%'``; missing -> 'n/a'.

    >>> fmt_pct(0.6329), fmt_pct(0.25, 0, signed=True), fmt_pct(None)
    ('63.3%', '+25%', 'n/a')
    """
    if x is None:
        return "n/a"
    return f"{x * 100:{'+' if signed else ''}.{decimals}f}%"


def fmt_money(x: float | None, unit: str = "CNY_mn") -> str:
    """Money in the table's unit as readable yuan: ``145176 CNY_mn -> '145.2 bn yuan'``.

    >>> fmt_money(145176), fmt_money(140000, "CNY")
    ('145.2 bn yuan', '140,000 yuan')
    """
    if x is None:
        return "n/a"
    if unit == "CNY_mn":
        return f"{x / 1000:,.1f} bn yuan" if abs(x) >= 1000 else f"{x:,.0f} mn yuan"
    return f"{x:,.0f} yuan"


def fmt_value(x: float | None, unit: str) -> str:
    """A figure in its unit, for tables that mix units.

    >>> fmt_value(0.6313, "fraction"), fmt_value(145176, "CNY_mn"), fmt_value(43, "months"), fmt_value(None, "units")
    ('63.13%', '145.2 bn yuan', '43 months', 'n/a')
    """
    if x is None:
        return "n/a"
    if unit == "fraction":
        return fmt_pct(x, 2)
    if unit in ("CNY_mn", "CNY"):
        return fmt_money(x, unit)
    if unit in ("months", "days"):
        return f"{x:,.0f} {unit}"
    if unit == "score":
        return f"{x:,.1f}"
    return fmt_int(x)


def fmt_month(d: dt.date | None) -> str:
    """``date(2025, 6, 1) -> 'Jun 2025'``."""
    return "n/a" if d is None else d.strftime("%b %Y")
