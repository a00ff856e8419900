"""What a figure covers, checked against what its note says it covers.

A series has one perimeter (``volumes.perimeter``, ``financials.perimeter``): a passenger-only
or NEV-only figure is its own series, never mixed with the maker's total. Curators say so in the
note as they record the row ("...; passenger only.", "(NEV only)"), so a row whose note states a
perimeter that its ``perimeter`` cell does not carry is a defect: it would sit in the wrong
series. Phrases about *another* figure ("the passenger-only 301,378 is ...", "may be passenger
only") are not statements about the row and are not matched.
"""

from __future__ import annotations

import polars as pl

from .problems import Problem

__all__ = ["STATED", "perimeter_problems"]

#: Note phrases that state the row's own perimeter, and the perimeter they mean.
STATED = {
    "passenger": r"(?:^|[;(.:]\s*)(?i:passenger(?: vehicles| cars)? only)\b|PASSENGER ONLY",
    "nev": r"(?:^|[;(.:]\s*)(?i:(?:NEV|new[- ]energy(?: vehicles)?) only)\b",
    "domestic": r"(?:^|[;(.:]\s*)(?i:domestic(?: sales)? only)\b",
}


def perimeter_problems(frame: pl.DataFrame, table: str) -> list[Problem]:
    """Rows of ``frame`` (typed, with ``_file``/``_line``) whose note states a perimeter other
    than the one in their ``perimeter`` column.

    >>> f = pl.DataFrame({"perimeter": ["all", "passenger", "all"], "_file": ["v.csv"] * 3, "_line": [2, 3, 4],
    ...                   "note": ["BYD total; passenger only.", "(passenger only)", "the passenger-only 301,378"]})
    >>> [(p.line, p.got) for p in perimeter_problems(f, "volumes")]
    [(2, "'all' (the note says: passenger only)")]
    """
    if "note" not in frame.columns or "perimeter" not in frame.columns:
        return []
    problems: list[Problem] = []
    for perimeter, pattern in STATED.items():
        bad = frame.filter(
            pl.col("note").is_not_null()
            & pl.col("note").str.contains(pattern)
            & (pl.col("perimeter").cast(pl.String) != perimeter)
        )
        for file, line, got in bad.select("_file", "_line", pl.col("perimeter").cast(pl.String)).iter_rows():
            problems.append(
                Problem(
                    file,
                    line,
                    "perimeter",
                    f"perimeter {perimeter!r}, as the note states",
                    f"{got!r} (the note says: {perimeter} only)",
                    f"set perimeter to {perimeter} (a narrower figure is its own series in {table}), or reword "
                    "the note if it describes another figure",
                )
            )
    return problems
