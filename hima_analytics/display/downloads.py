"""What a reader downloads: the frame behind a figure, made readable without losing anything.

The CSV and the Excel workbook carry every column of the frame, typed as the page computed it,
plus one ``<column>_name`` column after each id column (``entity`` ``LI_AUTO`` -> ``entity_name``
``Li Auto``; ``source_id`` -> ``source_name``, the publisher and date), so a spreadsheet reads by
name and a script still joins on ids. Floating-point
columns are rounded to what the figures can carry: whole-vehicle and money-per-vehicle columns
to 2 decimals, fractions and everything else to 6. Lists are joined with ``;`` and text cells
that a spreadsheet would run as a formula are neutralised (OWASP: a leading apostrophe).

The workbook also gets reader headers ("Deliveries", "YoY") and number formats (percentages
for fractions, thousands separators for vehicles, months as "Feb 2026").

>>> df = pl.DataFrame({"entity": ["LI_AUTO"], "yoy": [0.353706576201], "mean_3m": [85644.0909]})
>>> for_reader(df).rows()
[('LI_AUTO', 'Li Auto', 0.353707, 85644.09)]
"""

from __future__ import annotations

import re

import polars as pl

from .names import ID_COLUMNS, names_of

__all__ = ["excel_formats", "for_reader", "neutralise_formulas", "reader_headers"]

#: Characters that make a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Columns counted in whole vehicles or yuan per vehicle (2 decimals are plenty).
WHOLE = frozenset({"per_vehicle_yuan", "vehicles", "ytd", "mean_3m", "run_rate", "needed_per_month", "remaining"})


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    >>> neutralise_formulas(pl.DataFrame({"t": ["=1+1", "@SUM(A1)", "ok", "-2"], "n": [-1, 2, 3, 4]})).rows()
    [("'=1+1", -1), ("'@SUM(A1)", 2), ('ok', 3), ("'-2", 4)]
    """
    text_cols = [c for c, t in df.schema.items() if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)]
    pattern = "^[" + re.escape("".join(_FORMULA_START)) + "]"
    return df.with_columns(
        pl.when(pl.col(c).cast(pl.String).str.contains(pattern))
        .then(pl.lit("'") + pl.col(c).cast(pl.String))
        .otherwise(pl.col(c).cast(pl.String))
        .alias(c)
        for c in text_cols
    )


def _is_whole(column: str) -> bool:
    return column in WHOLE or column.endswith(("_yuan", "_vehicles"))


def for_reader(df: pl.DataFrame) -> pl.DataFrame:
    """The frame as a reader downloads it (see the module docstring)."""
    flat = df.with_columns(
        pl.col(c).cast(pl.List(pl.String)).list.join(";") for c, t in df.schema.items() if isinstance(t, pl.List)
    )
    flat = flat.with_columns(
        pl.col(c).round(2 if _is_whole(c) else 6) for c, t in flat.schema.items() if t in (pl.Float32, pl.Float64)
    )
    out = flat
    for c in [c for c in flat.columns if c in ID_COLUMNS and f"{c}_name" not in flat.columns]:
        names = pl.col(c).cast(pl.String).replace_strict(names_of(flat[c]), default=None)
        out = out.insert_column(out.columns.index(c) + 1, out.select(names.alias(f"{c}_name")).to_series())
    if "source_id" in out.columns and "source_name" not in out.columns and out.schema["source_id"] == pl.String:
        out = out.insert_column(out.columns.index("source_id") + 1, _source_names(out["source_id"]))
    return neutralise_formulas(out)


def _source_names(ids: pl.Series) -> pl.Series:
    """Who published each row's figure, in words ("36Kr Japan, 1 Jul 2025"), beside its
    ``source_id`` (one id, or several joined with ``;``), so a reader can find the page without
    the catalog."""
    from .chartkit import source_labels

    every = [i for v in ids.drop_nulls().unique().to_list() for i in re.split(r"\s*;\s*", v) if i]
    known = source_labels(every)
    return pl.Series(
        "source_name",
        [
            None if v is None else "; ".join(known.get(i, i) for i in re.split(r"\s*;\s*", v) if i)
            for v in ids.to_list()
        ],
        dtype=pl.String,
    )


def reader_headers(columns: list[str]) -> dict[str, str]:
    """Workbook headers: the vocabulary's column label where there is one, else the name in
    words (an id column beside its names is marked "(id)"); a header that would repeat another
    keeps its column name.

    >>> reader_headers(["entity", "entity_name", "yoy"])
    {'entity': 'Maker or brand (id)', 'entity_name': 'Maker or brand', 'yoy': 'YoY'}
    """
    from .. import vocabulary

    out: dict[str, str] = {}
    seen: set[str] = set()
    for c in columns:
        if c == "source_name":
            label = "Source"
        elif c == "source_id" and "source_name" in columns:
            label = "Source (id)"
        elif c.endswith("_name") and c[: -len("_name")] in ID_COLUMNS:
            label = vocabulary.label("column", c[: -len("_name")])
        elif c in ID_COLUMNS and f"{c}_name" in columns:
            label = f"{vocabulary.label('column', c)} (id)"
        else:
            label = vocabulary.label("column", c)
        label = label if label.lower() not in seen else c
        seen.add(label.lower())
        out[c] = label
    return out


def excel_formats(df: pl.DataFrame) -> dict[str, str]:
    """Excel number formats by column: percentages for fractions, thousands separators for
    vehicles and money per vehicle, months as "mmm yyyy"."""
    from .tables import FRACTION_COLUMNS

    out: dict[str, str] = {}
    for c, t in df.schema.items():
        if t in (pl.Float32, pl.Float64) and (c in FRACTION_COLUMNS or c.endswith(("_share", "_margin"))):
            out[c] = "0.0%"
        elif t.is_numeric() and (_is_whole(c) or c in ("value", "total")) and "unit" not in df.columns:
            out[c] = "#,##0"
        elif t == pl.Date:
            days = df[c].drop_nulls()
            out[c] = "mmm yyyy" if days.len() and (days.dt.day() == 1).all() else "d mmm yyyy"
    return out
