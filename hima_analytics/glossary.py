"""Metric definitions generated from the metric functions' docstrings, so the glossary in the
reports can never drift from the code."""

from __future__ import annotations

import inspect
import re

import polars as pl

#: Clauses about a function's calling convention (output column names, arguments) say
#: nothing to a reader of a report; they are removed, then any sentence that still names a
#: column pattern (``<name>_qualifier``) or describes outputs or exceptions is left out.
_CLAUSES = (
    (re.compile(r",? named (?:after )?[\w<>{}]+(?= unless|[.;,)]|$)"), ""),
    (re.compile(r"\bNamed [\w<>{}]+(?: unless [^.;]+)?[.;]\s*"), ""),
    (re.compile(r";? ?pass them in \w+=\)"), ")"),
    (re.compile(r"sum_\{window\}m"), "the sum"),
    (re.compile(r"\(fraction; ([^()]+)\)"), r"(a fraction; \1)"),
)
_CODE_ONLY = re.compile(r"<\w+>|^(?:Adds|Output adds|Raises|Returns)\b")
_ROLE = re.compile(r":(?:func|mod|class|meth|attr):`~?\.?([^`]+)`")


def _readable(text: str) -> str:
    """A docstring paragraph for a reader: code names as words (``gross_profit / revenue`` ->
    ``gross profit / revenue``), cross-references as plain names, and what only concerns the
    calling convention left out.

    >>> _readable("Mean of the window: sum_{window}m / window, named mean_<window>m. Adds <name>_n.")
    'Mean of the window: the sum / window.'
    >>> _readable("Net margin: net profit / revenue (fraction; negative for a loss), named net_margin.")
    'Net margin: net profit / revenue (a fraction; negative for a loss).'
    >>> _readable("Follows the sum rule (:mod:`~.qualifiers`); see :func:`share_of_total`.")
    'Follows the sum rule (qualifier rules); see share of total.'
    """
    from .vocabulary import humanize

    def role(m: re.Match[str]) -> str:
        target = m.group(1).rsplit(".", 1)[-1]
        return "qualifier rules" if target == "qualifiers" else target

    text = _ROLE.sub(role, text)
    for pattern, replacement in _CLAUSES:
        text = pattern.sub(replacement, text)
    sentences = [s for s in re.split(r"(?<=\.)\s+", text) if s]
    # A later sentence that starts in lower case is what is left of a removed one.
    kept = [s for i, s in enumerate(sentences) if not _CODE_ONLY.search(s) and (i == 0 or not s[0].islower())]
    text = " ".join(kept).strip().replace(";.", ".")
    if text.endswith(";"):
        text = text[:-1] + "."
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
