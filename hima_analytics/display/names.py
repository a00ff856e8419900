"""Display names for ids in the data: makers, brands, models and companies by their names
(HIMA brands with the Chinese name first), and vocabulary values by their labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from .. import vocabulary

__all__ = ["label_column", "name_of", "names", "names_of"]

#: Columns whose values are entity, company or subject ids.
ID_COLUMNS = ("entity", "subject", "company", "parent", "top1_entity", "brand", "maker")
#: Columns holding several ids separated by commas or semicolons.
ID_LIST_COLUMNS = ("missing_parts", "parts_list", "members")
#: Columns whose values come from a closed or open vocabulary, and which one.
VOCABULARY_COLUMNS = {
    "measure": "measure",
    "qualifier": "qualifier",
    "perimeter": "perimeter",
    "tier": "tier",
    "powertrain": "powertrain",
    "level": "level",
    "period_type": "period_type",
    "segment": "segment",
    "event_type": "event_type",
    "metric": "metric",
    "check": "check",
    "status": "status",
    "kind": "kind",
    "group": "group",
    "family": "family",
}


def names() -> dict[str, str]:
    """Display name by entity or company id, from the catalog (cached with it)."""
    from ..catalog import load_catalog

    cat = load_catalog()
    return _names(cat.fingerprint, cat)


_CACHE: dict[str, dict[str, str]] = {}


def _names(fingerprint: str, cat) -> dict[str, str]:
    if fingerprint not in _CACHE:
        _CACHE.clear()
        _CACHE[fingerprint] = vocabulary.entity_labels(cat.frame("entities"), cat.frame("companies"))
    return _CACHE[fingerprint]


def name_of(entity: object) -> str:
    """The display name of one id (the id itself, humanised, if it is not in the catalog).

    >>> name_of("AITO"), name_of("LI_AUTO"), name_of("AITO_M9")
    ('问界 AITO', 'Li Auto', 'AITO M9')
    """
    if entity is None:
        return ""
    return names().get(str(entity), vocabulary.humanize(str(entity)))


def names_of(ids: pl.Series | Iterable[object]) -> dict[str, str]:
    """Display names of many ids at once, ``{id: name}`` (the catalog is consulted once, not per
    id); nulls are left out.

    >>> names_of(["AITO", "LI_AUTO", None, "AITO"])
    {'AITO': '问界 AITO', 'LI_AUTO': 'Li Auto'}
    """
    values: Iterable[object] = (
        ids.cast(pl.String).unique(maintain_order=True).to_list() if isinstance(ids, pl.Series) else ids
    )
    known = names()
    return {str(v): known.get(str(v), vocabulary.humanize(str(v))) for v in dict.fromkeys(values) if v is not None}


def label_column(df: pl.DataFrame, column: str) -> pl.Expr:
    """An expression giving ``column`` as display text: names for id columns, labels for
    vocabulary columns, the value itself otherwise."""
    c = pl.col(column).cast(pl.String)
    if column in ID_COLUMNS:
        return c.replace_strict(names_of(df[column]), default=None, return_dtype=pl.String).alias(column)
    if column in ID_LIST_COLUMNS:
        values = [v for v in df[column].cast(pl.String).unique().to_list() if v is not None]
        import re

        from .formatting import fmt_month_runs

        def listed(v: str) -> str:
            items = [x for x in re.split(r"\s*[,;]\s*", v) if x]
            if items and all(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", x) for x in items):
                return fmt_month_runs([dt.date(int(x[:4]), int(x[5:7]), 1) for x in items])
            return ", ".join(known.get(x, x) for x in items)

        known = names_of([x for v in values for x in re.split(r"\s*[,;]\s*", v) if x])
        mapping = {v: listed(v) for v in values}
        return c.replace_strict(mapping, default=None, return_dtype=pl.String).alias(column)
    if column in VOCABULARY_COLUMNS:
        voc = VOCABULARY_COLUMNS[column]
        values = [v for v in df[column].cast(pl.String).unique().to_list() if v is not None]
        mapping = {v: vocabulary.label(voc, v) for v in values}
        return c.replace_strict(mapping, default=None, return_dtype=pl.String).alias(column)
    return c.alias(column)


def describe_params(params: dict) -> str:
    """Report parameters as a reader would say them.

    >>> describe_params({"brand": "LUXEED", "start": "2024-01", "end": "2026-02"})
    'Jan 2024 – Feb 2026; brand 智界 Luxeed'
    >>> describe_params({"month": "latest"}), describe_params({"horizon": 6, "method": "auto"})
    ('the latest month with data', 'horizon 6 months; model chosen by back-test')
    >>> describe_params({"start": "2025-01"}), describe_params({})
    ('from Jan 2025', "the report's defaults")
    """
    import datetime as dt
    import re

    from .formatting import fmt_month

    words = {
        "start": "from",
        "end": "to",
        "month": "month",
        "brand": "brand",
        "company": "company",
        "peers": "rivals",
        "horizon": "horizon",
        "method": "method",
        "verdicts": "verdicts shown",
    }

    def one(value: object) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(one(v) for v in value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = map(int, value.split("-"))
            return fmt_month(dt.date(y, m, 1))
        if isinstance(value, str) and value.isupper():
            return name_of(value)
        return str(value).replace("_", " ")

    def said(key: str, value: object) -> str:
        if value == "latest":
            return "the latest month with data"
        if key == "horizon" and isinstance(value, int) and not isinstance(value, bool):
            return f"horizon {value} months"
        return f"{words.get(key, vocabulary.humanize(key).lower())} {one(value)}"

    params = dict(params)
    span = ""
    if isinstance(params.get("start"), str) and isinstance(params.get("end"), str):
        span = f"{one(params.pop('start'))} – {one(params.pop('end'))}"
    if params.get("method") == "auto":
        params.pop("method")
        params["model"] = "chosen by back-test"
    parts = [span] if span else []
    parts += [
        said(k, v) for k, v in sorted(params.items(), key=lambda kv: list(words).index(kv[0]) if kv[0] in words else 99)
    ]
    return "; ".join(parts) or "the report's defaults"
