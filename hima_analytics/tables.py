"""Tables in the house style (great_tables).

:func:`table` returns a ``great_tables.GT`` with thousands separators, percentages for
fraction columns, an em dash for missing values, a source note and a stable HTML id (so two
builds give the same bytes). Cell text is escaped by great_tables; nothing here marks text as
HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:  # pragma: no cover
    from great_tables import GT

MISSING = "—"


def _stable_id(title: str, columns: Sequence[str]) -> str:
    return "tbl-" + hashlib.sha256((title + "|" + "|".join(columns)).encode()).hexdigest()[:10]


def table(df: pl.DataFrame, *, title: str, subtitle: str | None = None, integers: Sequence[str] = (),
          percents: Sequence[str] = (), decimals: dict[str, int] | None = None, labels: dict[str, str] | None = None,
          source: str | None = None, id: str | None = None, percent_decimals: int = 1) -> GT:
    """A formatted table.

    ``integers`` get thousands separators, ``percents`` are fractions shown as percentages and
    ``decimals`` maps columns to a number of decimals. Missing values show as an em dash, and
    month columns (``month``, ``latest``) show as YYYY-MM.
    """
    from great_tables import GT

    months = [c for c, t in df.schema.items() if t == pl.Date and c in ("month", "latest")]
    data = df.with_columns(
        *(pl.col(c).cast(pl.String) for c, t in df.schema.items() if isinstance(t, (pl.Enum, pl.Categorical))),
        *(pl.col(c).dt.strftime("%Y-%m") for c in months),
    )
    g = GT(data, id=id or _stable_id(title, df.columns)).tab_header(title=title, subtitle=subtitle)
    if integers:
        g = g.fmt_integer(columns=list(integers), sep_mark=",")
    if percents:
        g = g.fmt_percent(columns=list(percents), decimals=percent_decimals)
    for col, n in (decimals or {}).items():
        g = g.fmt_number(columns=col, decimals=n, sep_mark=",")
    dates = [c for c, t in data.schema.items() if t == pl.Date]
    if dates:
        g = g.fmt_date(columns=dates, date_style="iso")
    g = g.sub_missing(missing_text=MISSING)
    if labels:
        g = g.cols_label(**labels)
    if source:
        g = g.tab_source_note(source_note=source)
    return g.tab_options(table_font_size="13px", heading_title_font_size="15px", heading_align="left",
                         column_labels_font_weight="bold", table_width="100%")
