"""Metric definitions generated from the metric functions' docstrings, so the glossary in the
reports can never drift from the code."""

from __future__ import annotations

import inspect

import polars as pl


def glossary() -> pl.DataFrame:
    """One row per public metric: family, name, what it computes and its formula.

    >>> g = glossary()
    >>> g.filter(pl.col("metric") == "yoy")["family"].item()
    'growth'
    """
    from . import metrics

    rows = []
    for name in sorted(metrics.__all__):
        func = getattr(metrics, name)
        doc = inspect.getdoc(func) or ""
        paragraphs = [p.replace("\\n", " ") for p in doc.split("\n\n") if p.strip() and not p.lstrip().startswith(">>>")]
        summary = " ".join(paragraphs[0].split()).replace("``", "") if paragraphs else ""
        formula = next((" ".join(p.split()).replace("``", "") for p in paragraphs if p.lstrip().startswith("Formula")), "")
        rows.append({"family": func.__module__.rsplit(".", 1)[-1], "metric": name, "definition": summary,
                     "formula": formula if formula != summary else ""})
    return pl.DataFrame(rows).sort("family", "metric")
