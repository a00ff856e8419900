"""Metric definitions generated from the metric functions' docstrings, so the glossary in the
reports can never drift from the code."""

from __future__ import annotations

import inspect

import polars as pl


def _readable(text: str) -> str:
    """Code names in a docstring as words: ``gross_profit / revenue`` -> ``gross profit / revenue``."""
    import re

    from .vocabulary import humanize

    return re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", lambda m: humanize(m.group(0)).lower(), text)


def glossary(*, readable: bool = False) -> pl.DataFrame:
    """One row per public metric: family, name, what it computes and its formula. With
    ``readable``, code names in the definitions and formulas are written as words (for pages).

    >>> g = glossary()
    >>> g.filter(pl.col("metric") == "yoy")["family"].item()
    'growth'
    >>> glossary(readable=True).filter(pl.col("metric") == "gross_margin")["definition"].item()[:36]
    'Gross margin: gross profit / revenue'
    """
    from . import metrics

    rows = []
    for name in sorted(metrics.__all__):
        func = getattr(metrics, name)
        doc = inspect.getdoc(func) or ""
        paragraphs = [
            p.replace("\\n", " ") for p in doc.split("\n\n") if p.strip() and not p.lstrip().startswith(">>>")
        ]
        summary = " ".join(paragraphs[0].split()).replace("``", "") if paragraphs else ""
        formula = next(
            (" ".join(p.split()).replace("``", "") for p in paragraphs if p.lstrip().startswith("Formula")), ""
        )
        formula = formula if formula != summary else ""
        if readable:
            summary, formula = _readable(summary), _readable(formula)
        rows.append(
            {"family": func.__module__.rsplit(".", 1)[-1], "metric": name, "definition": summary, "formula": formula}
        )
    return pl.DataFrame(rows).sort("family", "metric")
