"""A figure on the page: the chart or table, one sources line, and the data behind it as a
download.

Every piece of data text that reaches the page is escaped here; links are http(s) only; the
CSV download neutralises cells a spreadsheet would read as a formula (OWASP: a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe).
Numbers stay numbers.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from . import formatting as fmt
from .downloads import for_reader, neutralise_formulas

__all__ = [
    "SOURCES_SHOWN",
    "csv_bytes",
    "csv_link",
    "downloads",
    "neutralise_formulas",
    "safe_url",
    "show",
    "sources_html",
]

SOURCES_SHOWN = 6
#: Every download offered on the page so far, by name (for the workbook and the checks).
_DOWNLOADS: dict[str, pl.DataFrame] = {}
#: The source sets already listed on this page, with the title of the figure that listed them:
#: a figure drawn from the same sources as one above refers to that list by the figure's title
#: instead of repeating it.
_LISTED: dict[tuple[str, ...], str | None] = {}


def _title_of(figure: object) -> str | None:
    """The title a reader sees on a chart or table, when it has one."""
    heading = getattr(figure, "_heading", None)  # a great_tables GT
    title = getattr(heading, "title", None) if heading is not None else getattr(figure, "title", None)
    title = getattr(title, "text", title)  # an altair TitleParams
    return title if isinstance(title, str) and title.strip() else None


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None (a ``javascript:`` or ``data:`` link is
    never written into a page).

    >>> safe_url("https://cnevpost.com/x"), safe_url("javascript:alert(1)"), safe_url(" JaVaScRiPt:x")
    ('https://cnevpost.com/x', None, None)
    """
    if not url:
        return None
    u = url.strip()
    return u if re.match(r"^https?://[^\s]+$", u, flags=re.IGNORECASE) else None


def csv_bytes(df: pl.DataFrame) -> bytes:
    """The frame as the CSV a reader downloads (UTF-8; see :mod:`.downloads`: names beside ids,
    sensible rounding, lists joined, formula cells neutralised)."""
    return for_reader(df).write_csv().encode("utf-8")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "data"


def csv_link(df: pl.DataFrame, name: str) -> str:
    """A link that downloads ``df`` as CSV from inside the page (a data: URI; no request)."""
    safe = _safe_name(name)
    payload = base64.b64encode(csv_bytes(df)).decode("ascii")
    return (
        f'<p class="hima-download"><a download="{safe}.csv" data-download="{safe}" '
        f'href="data:text/csv;base64,{payload}">Download the data behind this figure '
        f"(CSV, {df.height:,} row{'s' if df.height != 1 else ''})</a></p>"
    )


#: Set by the report build: the folder where the report's workbook is kept current, and the
#: report's title for it.
DOWNLOADS_ENV = "HIMA_DOWNLOADS_DIR"
TITLE_ENV = "HIMA_REPORT_TITLE"


def _save_for_workbook(data: pl.DataFrame, name: str) -> None:
    """Rewrite the report's workbook with every figure shown so far (a report shows a few dozen
    small frames, so rewriting is cheap, and the workbook is complete whenever the run ends)."""
    import os
    from pathlib import Path

    folder = os.environ.get(DOWNLOADS_ENV)
    if not folder:
        return
    from ..reporting.workbook import WORKBOOK_NAME, write_workbook

    write_workbook(list(_DOWNLOADS.items()), Path(folder) / WORKBOOK_NAME, title=os.environ.get(TITLE_ENV, "Report"))


def downloads() -> dict[str, pl.DataFrame]:
    """The downloads shown so far in this kernel, by name."""
    return dict(_DOWNLOADS)


def _sources_for(ids: Iterable[str]) -> pl.DataFrame:
    from ..catalog import load

    wanted = sorted(set(i for i in ids if i))
    return load("sources").filter(pl.col("source_id").is_in(wanted)).sort("publisher", "published", "source_id")


def source_ids(frames: Sequence[pl.DataFrame]) -> list[str]:
    ids: list[str] = []
    for f in frames:
        for col in [c for c in f.columns if c == "source_id" or c.startswith("source_id_")]:
            s = f[col]
            if isinstance(s.dtype, pl.List):
                s = s.explode()
            ids += [i for part in s.drop_nulls().cast(pl.String).to_list() for i in part.split(";") if i]
    return ids


def sources_html(*frames: pl.DataFrame, note: str | None = None) -> str:
    """One sources line for the figures in ``frames`` (any ``source_id`` or ``source_id_*``
    column): each source's publisher and date, linked to its page when the address is http(s);
    reference articles (seeds) as such, with title and file name on hover; the tier when it
    is not a major outlet. All text is escaped."""
    rows = _sources_for(source_ids(frames))
    parts = []
    for r in rows.iter_rows(named=True):
        tier = r.get("tier")
        tag = " (primary)" if tier == "primary" else " (aggregator)" if tier == "aggregator" else ""
        label = html.escape(f"{r['publisher']}, {fmt.fmt_date(r['published']) if r['published'] else 'undated'}{tag}")
        url = safe_url(r["url"])
        if url:
            parts.append(
                f'<a href="{html.escape(url, quote=True)}" title="{html.escape(r["title"], quote=True)}" '
                f'rel="noopener noreferrer">{label}</a>'
            )
        elif r["seed_file"]:  # a reference article with no public address: its title, file in the tooltip
            hover = f"{r['title']} (reference article {r['seed_file']})"
            parts.append(f'<span title="{html.escape(hover, quote=True)}">{label} (reference article)</span>')
        else:
            parts.append(label)
    more = f" {html.escape(note)}" if note else ""
    if not parts:
        return f'<p class="hima-sources"><strong>Sources</strong>: no sourced figures in this view.{more}</p>'
    if len(parts) <= SOURCES_SHOWN:
        return f'<p class="hima-sources"><strong>Sources</strong> ({len(parts)}): {"; ".join(parts)}.{more}</p>'
    head, rest = parts[:SOURCES_SHOWN], parts[SOURCES_SHOWN:]
    return (
        f'<div class="hima-sources"><p><strong>Sources</strong> ({len(parts)}): {"; ".join(head)}; …{more}</p>'
        f"<details><summary>All {len(parts)} sources</summary><p>{'; '.join(rest)}.</p></details></div>"
    )


def _is_chart(figure: Any) -> bool:
    return type(figure).__module__.startswith("altair")


def show(
    figure: Any,
    *,
    data: pl.DataFrame,
    name: str,
    sources: Sequence[pl.DataFrame] | None = None,
    note: str | None = None,
    empty: str = "No published figures for this view.",
    value: str | None = None,
    collapsed: str | None = None,
) -> None:
    """Display a chart or table, then its sources line and a CSV download of ``data``.

    The sources line lists the sources of ``sources`` (default: of ``data`` itself); an empty
    list means the figure summarises the whole catalog and gets ``note`` instead of a list.

    When ``data`` has no rows, or a chart's values (``value``, default the ``value`` column
    when there is one) are all missing, the figure is replaced by the ``empty`` note: a chart
    without marks would suggest zeros where nothing was published. A table with rows is always
    shown; with ``empty=""`` nothing is shown (the text before it said so already).
    ``collapsed`` puts a table behind a toggle with that summary (long reference tables).
    """
    from IPython.display import HTML, display

    col = value or ("value" if "value" in data.columns else None)
    blank = (
        data.height == 0
        or figure is None
        or (_is_chart(figure) and col is not None and col in data.columns and data[col].drop_nulls().len() == 0)
    )
    if blank:
        if empty:  # an empty note says nothing new when the sentence before the figure already did
            display(HTML(f'<p class="hima-empty"><em>{html.escape(empty)}</em></p>'))
        return
    safe = _safe_name(name)
    if safe in _DOWNLOADS and not _DOWNLOADS[safe].equals(data):
        raise ValueError(
            f"show(): a different download named {safe!r} is already on this page; give each figure its own name."
        )
    _DOWNLOADS[safe] = data
    _save_for_workbook(data, safe)
    if collapsed and hasattr(figure, "as_raw_html"):
        display(
            HTML(
                f'<details class="hima-collapsed"><summary>{html.escape(collapsed)}</summary>'
                f"{figure.as_raw_html()}</details>"
            )
        )
    else:
        display(figure)
    frames = sources if sources is not None else [data]
    ids = tuple(sorted(set(source_ids(frames))))
    if sources is not None and len(sources) == 0:
        line = f'<p class="hima-sources">{html.escape(note or "")}</p>' if note else ""
    elif len(ids) > 1 and ids in _LISTED:
        more = f" {html.escape(note)}" if note else ""
        n = _sources_for(ids).height
        first = _LISTED[ids]
        where = f"listed under “{html.escape(first)}” above" if first else "listed above"
        line = f'<p class="hima-sources"><strong>Sources</strong>: the same {n} sources as {where}.{more}</p>'
    else:
        _LISTED[ids] = _title_of(figure)
        line = sources_html(*frames, note=note)
    display(HTML(line + csv_link(data, name)))
