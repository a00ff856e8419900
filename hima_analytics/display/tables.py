"""Tables in the house style (great_tables) that show what the data is.

:func:`table` formats every cell itself, so that bounds, precision and periods read the same
everywhere: a figure published as "over 20,000" prints "> 20,000" (its qualifier column is
found by name: ``qualifier`` for ``value``, ``<column>_qualifier`` for any other); fractions
print as percentages, and only for columns known to hold fractions (metric outputs such as
``yoy``, ``share`` or ``gross_margin``, columns declared ``kind="pct"``, or a ``value`` column
whose row's ``unit`` is ``fraction``); a period prints as "Q4 2024" or "Feb 2026"; ids print as
display names; vocabulary values and column names print as labels; True/False as Yes/No;
missing cells as an em dash. A table with rows is shown even when its numbers are all missing
(a list of dated events has text, not numbers). Cell text is escaped by great_tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import polars as pl

from .. import vocabulary
from . import formatting as fmt
from .names import ID_COLUMNS, ID_LIST_COLUMNS, VOCABULARY_COLUMNS, label_column

if TYPE_CHECKING:  # pragma: no cover
    from great_tables import GT

__all__ = ["FRACTION_COLUMNS", "Col", "MISSING", "table"]

MISSING = "—"
#: Metric outputs that are fractions by definition (the metric's own unit, not a guess).
FRACTION_COLUMNS = frozenset(
    {
        "yoy",
        "mom",
        "qoq",
        "hoh",
        "growth",
        "ytd_yoy",
        "cagr",
        "share",
        "share_of_market",
        "share_of_hima",
        "gross_margin",
        "net_margin",
        "rd_intensity",
        "vehicle_margin",
        "hhi",
        "top1_share",
        "mape",
        "progress",
        "pace",
        "covered",
        "share_change",
        "contribution",
        "rel_diff",
    }
)
#: Integer-valued money or volume columns printed with thousands separators and no decimals.
_WHOLE = frozenset({"per_vehicle_yuan", "vehicles", "ytd", "value", "mean_3m", "run_rate", "needed_per_month"})
Kind = Literal["int", "pct", "pp", "money", "decimal", "text", "month", "date", "period", "unit", "yesno"]


@dataclass(frozen=True)
class Col:
    """How to show one column: its header, kind, decimals, whether a percentage is signed, and
    (for money) its unit. ``qualifier`` names the column holding its qualifiers when it is not
    ``<column>_qualifier``."""

    label: str | None = None
    kind: Kind | None = None
    decimals: int | None = None
    signed: bool = False
    unit: str | None = None
    qualifier: str | None = None


def _stable_id(title: str, columns: Sequence[str]) -> str:
    return "tbl-" + hashlib.sha256((title + "|" + "|".join(columns)).encode()).hexdigest()[:10]


def _qualifier_col(df: pl.DataFrame, column: str, spec: Col) -> str | None:
    for cand in (spec.qualifier, f"{column}_qualifier", "qualifier" if column == "value" else None):
        if cand and cand in df.columns:
            return cand
    return None


def _infer(df: pl.DataFrame, column: str, spec: Col) -> Kind:
    if spec.kind:
        return spec.kind
    dtype = df.schema[column]
    if column in FRACTION_COLUMNS or column.endswith(("_share", "_margin")):
        return "pct"
    if dtype == pl.Boolean:
        return "yesno"
    if dtype == pl.Date:
        values = df[column].drop_nulls()
        return "month" if values.len() and (values.dt.day() == 1).all() else "date"
    if column == "value" and "unit" in df.columns:
        return "unit"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        values = df[column].drop_nulls()
        largest = float(values.abs().max() or 0) if values.len() else 0.0  # type: ignore[arg-type]
        if column in _WHOLE or (values.len() and (values == values.round(0)).all() and largest >= 100):
            return "int"
        return "decimal"
    return "text"


#: A name or figure this short never breaks across lines ("> 1,000,000", "问界 AITO", "Q4 2024").
_KEEP_WHOLE = 24


def _unbroken(text: pl.Series) -> pl.Series:
    """Short cells with no-break spaces, so a figure, a period or a name stays on one line."""
    return text.map_elements(
        lambda t: t.replace(" ", "\u00a0") if t is not None and len(t) <= _KEEP_WHOLE else t, return_dtype=pl.String
    )


def _format_column(df: pl.DataFrame, column: str, spec: Col) -> tuple[pl.Series, bool]:
    """The column as display text, and whether it is numeric (right-aligned). Figures, periods
    and short names are kept on one line."""
    text, numeric = _format_column_text(df, column, spec)
    labelled = column in ID_COLUMNS or column in VOCABULARY_COLUMNS
    if numeric or labelled or column in ("period", "date", "month") or _infer(df, column, spec) in ("month", "date"):
        text = _unbroken(text)
    return text, numeric


def _format_column_text(df: pl.DataFrame, column: str, spec: Col) -> tuple[pl.Series, bool]:
    kind = _infer(df, column, spec)
    q = _qualifier_col(df, column, spec)
    quals = df[q].cast(pl.String).to_list() if q else [None] * df.height
    values = df[column].to_list()
    if kind == "text":
        labelled = column in ID_COLUMNS or column in ID_LIST_COLUMNS or column in VOCABULARY_COLUMNS
        text = df.select(label_column(df, column))[column] if labelled else df[column].cast(pl.String)
        return text.fill_null(MISSING), False
    if kind == "yesno":
        return pl.Series(column, [MISSING if v is None else ("Yes" if v else "No") for v in values]), False
    if kind == "month":
        return pl.Series(column, [fmt.fmt_month(v) if v else MISSING for v in values]), False
    if kind == "date":
        return pl.Series(column, [fmt.fmt_date(v) if v else MISSING for v in values]), False
    if kind == "unit":
        units = df["unit"].cast(pl.String).to_list()
        out = [
            fmt.fmt_bound(fmt.fmt_value(v, u, MISSING), qq) if not fmt.is_missing(v) else MISSING
            for v, u, qq in zip(values, units, quals)
        ]
        return pl.Series(column, out), True
    decimals = spec.decimals if spec.decimals is not None else (1 if kind in ("pct", "pp") else 2)
    fkind = cast(fmt.Kind, kind)
    out = [
        fmt.fmt_q(v, qq, kind=fkind, unit=spec.unit, decimals=decimals, signed=spec.signed, missing=MISSING)
        for v, qq in zip(values, quals)
    ]
    return pl.Series(column, out), True


def _dates(df: pl.DataFrame) -> pl.DataFrame:
    """A ``date`` with a ``date_precision`` prints as a day or a month, as precise as known."""
    if not {"date", "date_precision"} <= set(df.columns):
        return df
    text = [
        MISSING if d is None else fmt.fmt_month(d) if p == "month" else fmt.fmt_date(d)
        for d, p in zip(df["date"].to_list(), df["date_precision"].cast(pl.String).to_list())
    ]
    return df.with_columns(pl.Series("date", text, dtype=pl.String)).drop("date_precision")


def _periods(df: pl.DataFrame) -> pl.DataFrame:
    """``period_start`` + ``period_end`` (+ ``period_type``) become one ``period`` column."""
    df = _dates(df)
    if not {"period_start", "period_end"} <= set(df.columns) or "period" in df.columns:
        return df
    types = df["period_type"].cast(pl.String).to_list() if "period_type" in df.columns else [None] * df.height
    text = [fmt.fmt_period(s, e, t) for s, e, t in zip(df["period_start"].to_list(), df["period_end"].to_list(), types)]
    at = min(df.columns.index(c) for c in ("period_type", "period_start", "period_end") if c in df.columns)
    out = df.drop([c for c in ("period_start", "period_end", "period_type") if c in df.columns])
    return out.insert_column(min(at, out.width), pl.Series("period", text, dtype=pl.String))


def table(
    df: pl.DataFrame,
    *,
    title: str,
    subtitle: str | None = None,
    columns: Mapping[str, Col | str] | None = None,
    hide: Sequence[str] = (),
    source: str | None = None,
    id: str | None = None,
) -> GT:
    """A formatted table of ``df``.

    ``columns`` maps column names to a :class:`Col` or just a header; columns not named are
    shown with inferred formatting and their vocabulary label as header. Qualifier columns,
    ``source_id`` and the names in ``hide`` are not shown as columns (qualifiers appear as the
    mark before each figure). A note explains the marks whenever a bound or approximate figure
    is in the table.
    """
    from great_tables import GT

    specs = {k: (v if isinstance(v, Col) else Col(label=v)) for k, v in (columns or {}).items()}
    data = _periods(df)
    qual_cols = {c for c in data.columns if c == "qualifier" or c.endswith("_qualifier")}
    shown = [
        c
        for c in data.columns
        if c not in qual_cols
        and c not in hide
        and c != "source_id"
        and not c.startswith("_")
        and not (c == "unit" and "value" in data.columns and "unit" not in specs)
    ]
    cells: dict[str, pl.Series] = {}
    numeric: list[str] = []
    for col in shown:
        series, is_num = _format_column(data, col, specs.get(col, Col()))
        cells[col] = series.alias(col)
        if is_num:
            numeric.append(col)
    frame = pl.DataFrame(cells) if cells else pl.DataFrame()
    headers: dict[str, str] = {
        c: (specs[c].label if c in specs and specs[c].label else None) or vocabulary.label("column", c) for c in shown
    }
    g = GT(frame, id=id or _stable_id(title, df.columns)).tab_header(title=title, subtitle=subtitle)
    g = g.cols_label(**headers)  # type: ignore[arg-type]
    if numeric:
        g = g.cols_align(align="right", columns=numeric)
    marks = sorted(
        {
            m
            for c in numeric
            for v in frame[c].to_list()
            for m in ("> ", "< ", "≈ ")
            if v.replace("\u00a0", " ").startswith(m)
        }
    )
    notes = []
    if marks:
        meaning = {
            "> ": "> more than (published as a lower bound)",
            "< ": "< less than (an upper bound)",
            "≈ ": "≈ about, or rounded as published",
        }
        notes.append("; ".join(meaning[m] for m in marks) + ". Derived figures keep the mark of their inputs.")
    if any("(implied)" in v for c in numeric for v in frame[c].to_list()):
        notes.append("(implied): computed from published totals, not itself published; see the data appendix.")
    if source:
        notes.append(source)
    for note in notes:
        g = g.tab_source_note(source_note=note)
    return g.tab_options(
        table_font_size="13px",
        heading_title_font_size="15px",
        heading_align="left",
        column_labels_font_weight="bold",
        table_width="100%",
    )
