"""The report's numbers as an Excel workbook: one sheet per figure and table, with the data
behind it (typed columns, qualifiers, source ids, a name beside every id, reader headers and
number formats; see :mod:`hima_analytics.display.downloads`), and a sheet of every source cited.

While a report runs, :func:`hima_analytics.display.show` rewrites the workbook in the build's
downloads folder each time it shows a figure, from the frames themselves (so the columns keep
their types); the worker moves the finished workbook beside the page.
The workbook is deterministic: its document properties carry a fixed date and the sheets are
written in page order, so two builds of the same report give the same bytes. Text cells that a
spreadsheet could read as a formula are neutralised, as in the CSV downloads.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["FIXED_DATE", "WORKBOOK_NAME", "write_workbook"]

WORKBOOK_NAME = "workbook.xlsx"

#: Document date written into every workbook (a build date would change the bytes).
FIXED_DATE = dt.datetime(2000, 1, 1)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or "data"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{base[:25]}_{n}", n + 1
    used.add(candidate.lower())
    return candidate


def _excel_ready(df: pl.DataFrame) -> pl.DataFrame:
    from ..display.downloads import for_reader

    flat = for_reader(df)
    return flat.with_columns(
        pl.col(c).cast(pl.String) for c, t in flat.schema.items() if isinstance(t, (pl.Enum, pl.Categorical))
    )


def _write_sheet(wb: Any, frame: pl.DataFrame, sheet: str) -> None:
    """One sheet: reader headers, number formats by column, the frame's own values."""
    from ..display.downloads import excel_formats, reader_headers

    ready = _excel_ready(frame)
    formats = excel_formats(ready)
    headers = reader_headers(ready.columns)
    ready.rename(headers).write_excel(
        workbook=wb,
        worksheet=sheet,
        autofit=False,
        float_precision=6,
        column_formats={headers[c]: f for c, f in formats.items()},  # type: ignore[arg-type]
        table_style="Table Style Light 1",
    )


def _sources(frames: list[pl.DataFrame]) -> pl.DataFrame:
    from ..catalog import load
    from ..display.figures import source_ids

    ids = sorted(set(source_ids(frames)))
    src = load("sources").filter(pl.col("source_id").is_in(ids))
    return src.select("source_id", "publisher", "published", "title", "url", "seed_file", "tier", "language")


def write_workbook(frames: list[tuple[str, pl.DataFrame]], path: Path, *, title: str) -> bool:
    """Write the workbook of ``frames`` (name, data) in page order plus a sources sheet;
    returns False (writing nothing) when there are no frames."""
    import xlsxwriter

    from ..files import write_atomic

    if not frames:
        return False
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    wb.set_properties({"title": title, "author": "hima_analytics", "created": FIXED_DATE})
    used: set[str] = set()
    for name, frame in frames:
        _write_sheet(wb, frame, _sheet_name(name, used))
    _write_sheet(wb, _sources([f for _, f in frames]), _sheet_name("sources", used))
    wb.close()
    write_atomic(path, buffer.getvalue())
    return True
