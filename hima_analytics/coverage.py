"""Coverage: which entity has a figure for which month, generated from the data so it stays true.

The matrix is written into ``data/README.md`` between two markers by ``hima data coverage
--write``; a test fails when the README and the data disagree.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

HAVE, MISSING, BOUND, IMPLIED = "■", "·", "▫", "◇"
#: Monospace fonts that draw all four marks at one width, so that a month sits in the same
#: place on every row of the matrix (single quotes: the stack goes into a double-quoted HTML
#: ``style`` attribute).
GLYPH_FONT = "'DejaVu Sans Mono', Menlo, 'Liberation Mono', Consolas, monospace"


def year_columns(matrix: pl.DataFrame) -> list[str]:
    """The matrix's year columns (the ones holding twelve marks).

    >>> year_columns(pl.DataFrame({"entity": ["A"], "2024": ["■" * 12], "months": [12]}))
    ['2024']
    """
    return [c for c in matrix.columns if c.isdigit()]


def glyph_table(gt, matrix: pl.DataFrame):
    """``gt`` (a table of ``matrix``) with the year columns set in a monospace font, unbroken, so
    that the marks line up month by month across rows."""
    from great_tables import loc, style

    years = year_columns(matrix)
    if not years:
        return gt
    # The page stylesheet sets every table cell's font with !important; only an inline !important
    # overrides it for these columns.
    return gt.tab_style(
        style=style.text(font=f"{GLYPH_FONT} !important", whitespace="pre", size="12px"),
        locations=loc.body(columns=years),
    ).cols_align(align="left", columns=years)


def coverage_counts(
    volumes: pl.DataFrame, *, start: dt.date | None = None, end: dt.date | None = None, measure: str | None = None
) -> pl.DataFrame:
    """Per entity and measure: first and last month, months with a figure, months in the span
    from the first month (or ``start``) to the last month (or ``end``), and the share covered.

    >>> import datetime as dt, polars as pl
    >>> v = pl.DataFrame({"entity": ["A", "A"], "measure": ["deliveries"] * 2,
    ...                   "month": [dt.date(2025, 1, 1), dt.date(2025, 3, 1)]})
    >>> coverage_counts(v).select("months", "span", "share").row(0)
    (2, 3, 0.6666666666666666)
    """
    v = volumes if measure is None else volumes.filter(pl.col("measure") == measure)
    if start is not None:
        v = v.filter(pl.col("month") >= start)
    if end is not None:
        v = v.filter(pl.col("month") <= end)
    first = pl.lit(start, dtype=pl.Date) if start else pl.col("month").min()
    last = pl.lit(end, dtype=pl.Date) if end else pl.col("month").max()
    span = (
        (last.dt.year() - first.dt.year()).cast(pl.Int32) * 12
        + (last.dt.month().cast(pl.Int32) - first.dt.month().cast(pl.Int32))
        + 1
    )
    return (
        v.group_by(pl.col("entity").cast(pl.String), pl.col("measure").cast(pl.String))
        .agg(
            pl.col("month").min().alias("first"),
            pl.col("month").max().alias("last"),
            pl.col("month").n_unique().alias("months"),
            span.alias("span"),
        )
        .with_columns((pl.col("months") / pl.col("span")).alias("share"))
        .sort("entity", "measure")
    )


def coverage_matrix(volumes: pl.DataFrame, *, years: list[int] | None = None) -> pl.DataFrame:
    """Entity × month matrix, one column per year holding twelve marks (Jan..Dec):
    ``■`` an exact or rounded figure, ``▫`` a bound only ("over"/"under"), ``◇`` implied by
    published totals only (when ``volumes`` was loaded with ``implied=True``), ``·`` missing.
    ``months`` counts published months and ``implied`` the implied ones."""
    v = volumes.with_columns(
        pl.col("entity").cast(pl.String), pl.col("measure").cast(pl.String), pl.col("qualifier").cast(pl.String)
    )
    if "perimeter" in v.columns:  # a narrower perimeter is its own series, shown with its measure
        v = v.with_columns(
            pl.when(pl.col("perimeter").cast(pl.String) == "all")
            .then(pl.col("measure"))
            .otherwise(
                pl.format(
                    "{} ({} only)",
                    pl.col("measure"),
                    pl.col("perimeter").cast(pl.String).replace({"nev": "NEV"}),
                )
            )
            .alias("measure")
        )
    yrs = years or sorted(v["month"].dt.year().unique().to_list())
    marks = v.group_by("entity", "measure", "month").agg(
        pl.when((pl.col("qualifier") == "implied").all())
        .then(pl.lit(IMPLIED))
        .when(pl.col("qualifier").is_in(["over", "under"]).all())
        .then(pl.lit(BOUND))
        .otherwise(pl.lit(HAVE))
        .first()
        .alias("mark")
    )
    keys = marks.select("entity", "measure").unique().sort("entity", "measure")
    rows = []
    lookup = {(e, m, d): k for e, m, d, k in marks.iter_rows()}
    for entity, measure in keys.iter_rows():
        row: dict[str, str | int] = {"entity": entity, "measure": measure}
        total = implied = 0
        for y in yrs:
            cells = [lookup.get((entity, measure, dt.date(y, mo, 1)), MISSING) for mo in range(1, 13)]
            total += sum(c in (HAVE, BOUND) for c in cells)
            implied += sum(c == IMPLIED for c in cells)
            row[str(y)] = "".join(cells)
        row["months"] = total
        row["implied"] = implied
        rows.append(row)
    return pl.DataFrame(
        rows,
        schema={
            "entity": pl.String,
            "measure": pl.String,
            **{str(y): pl.String for y in yrs},
            "months": pl.Int64,
            "implied": pl.Int64,
        },
    )


def coverage_markdown(volumes: pl.DataFrame, financials: pl.DataFrame) -> str:
    """The README block: the monthly matrix and a count of financial periods per company."""
    matrix = coverage_matrix(volumes)
    cols = matrix.columns
    lines = [
        f"Monthly volumes (preferred values). Each year shows Jan→Dec: `{HAVE}` figure, "
        f'`{BOUND}` bound only ("over"/"under"), `{IMPLIED}` implied by published totals (computed on load, '
        f"never stored), `{MISSING}` missing. `months` counts published months, `implied` the implied ones.",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "|".join("---" for _ in cols) + "|",
    ]
    for row in matrix.iter_rows():
        lines.append(
            "| "
            + " | ".join(
                f"`{c}`" if isinstance(c, str) and c and c[0] in HAVE + MISSING + BOUND + IMPLIED else str(c)
                for c in row
            )
            + " |"
        )
    fin = (
        financials.group_by(pl.col("company").cast(pl.String), pl.col("period_type").cast(pl.String))
        .agg(
            pl.col("period_start").n_unique().alias("periods"),
            pl.col("period_start").min().alias("first"),
            pl.col("period_end").max().alias("last"),
            pl.col("metric").cast(pl.String).unique().sort().str.join(", ").alias("metrics"),
        )
        .sort("company", "period_type")
    )
    lines += [
        "",
        "Company financials (preferred values): periods per company and period type.",
        "",
        "| company | period type | periods | first start | last end | metrics |",
        "|---|---|---|---|---|---|",
    ]
    for c, p, n, first, last, metrics in fin.iter_rows():
        lines.append(f"| {c} | {p} | {n} | {first} | {last} | {metrics} |")
    return "\n".join(lines)


def _marks(name: str) -> tuple[str, str]:
    return (f"<!-- {name}:start (generated by `hima data docs --write`; do not edit) -->", f"<!-- {name}:end -->")


def replace_block(text: str, name: str, block: str) -> str:
    """Put ``block`` between the ``name`` markers in ``text`` (appending them if absent)."""
    start, end = _marks(name)
    body = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        return head + body + tail
    return text.rstrip("\n") + "\n\n" + body + "\n"


def current_block(text: str, name: str) -> str | None:
    """The block currently between the ``name`` markers, or None."""
    start, end = _marks(name)
    if start not in text or end not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n")


def dictionary_markdown() -> str:
    """Column-by-column documentation of every table, generated from the schemas."""
    from .schemas import TABLES

    out: list[str] = []
    for t in TABLES.values():
        key = ", ".join(t.key)
        extra = " Several sources may report one key; exactly one row per key is `preferred`." if t.preferred else ""
        units = f" The unit is constant within each ({', '.join(t.unit_series)}) series." if t.unit_series else ""
        out += [
            f"### `{t.name}/`",
            "",
            f"{t.description} Key: ({key}).{extra}{units}",
            "",
            "| column | type | required | allowed values / reference | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in t.columns:
            allowed = ", ".join(f"`{v}`" for v in c.values) if c.values else (f"→ {c.ref}" if c.ref else "")
            if c.non_negative:
                allowed = (allowed + " ≥ 0").strip()
            out.append(f"| `{c.name}` | {c.kind} | {'yes' if c.required else 'no'} | {allowed} | {c.description} |")
        out.append("")
    return "\n".join(out).rstrip("\n")
