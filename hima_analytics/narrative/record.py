"""Sentences about financial results, the claims check and the catalog itself."""

from __future__ import annotations

import polars as pl

from ..display import formatting as fmt
from ..display.text import Text, cite, count, text
from ..vocabulary import counted

__all__ = [
    "contradicted_claims",
    "latest_period_growth",
    "per_vehicle_fact",
    "tier_shares",
    "validation_status",
    "verdict_counts",
]


def latest_period_growth(
    frame: pl.DataFrame, *, download: str, label: str, growth: str = "yoy", kind: str = "money", unit: str = "CNY_mn"
) -> Text | None:
    """ "<label> of X in <period>, ±y% on the year before" for the latest period with a value
    (``frame`` has ``period_start``, ``period_end``, ``period_type``, ``value`` and ``growth``)."""
    rows = frame.filter(pl.col("value").is_not_null()).sort("period_start")
    if rows.is_empty():
        return None
    r = rows.row(-1, named=True)
    at = {"period_start": r["period_start"], "period_end": r["period_end"]}
    period = fmt.fmt_period(
        r["period_start"], r["period_end"], str(r.get("period_type")) if r.get("period_type") else None
    )
    value = cite(frame, "value", download=download, kind=kind, unit=unit, **at)
    if r.get(growth) is None:
        return text(
            "{label} of {v} in {p}; the same period a year earlier is not on record.", label=label, v=value, p=period
        )
    return text(
        "{label} of {v} in {p}, {g} on a year earlier.",
        label=label,
        v=value,
        p=period,
        g=cite(frame, growth, download=download, kind="pct", signed=True, **at),
    )


def per_vehicle_fact(
    table: pl.DataFrame, *, download: str, metric: str, label: str, published: pl.DataFrame | None = None
) -> Text | None:
    """The latest computed per-vehicle figure for ``metric``, with the vehicles it rests on.
    Payments to Huawei are divided by the cars of the brand Huawei co-develops with the partner
    (:data:`~hima_analytics.economics.HUAWEI_FEE_BASE`), which is an assumption the sentence
    states. With ``published`` (facts), a published figure for ``<metric>_per_vehicle`` over the
    same period is quoted beside ours, with its source."""
    rows = table.filter((pl.col("metric") == metric) & pl.col("per_vehicle_yuan").is_not_null()).sort("period_start")
    if rows.is_empty():
        return None
    r = rows.row(-1, named=True)
    at = {"metric": metric, "period_start": r["period_start"], "period_end": r["period_end"]}
    what = {"hima": "AITO deliveries", "nev": "NEV sales", "all": "all vehicles sold"}.get(
        str(r["vehicles_perimeter"]), str(r["vehicles_perimeter"])
    )
    if metric == "payments_to_huawei":
        what += ", the cars the fees are taken to be paid on"
    sentence = text(
        "{label}: {v} yuan per vehicle in {p}, over {n} vehicles ({what}).",
        label=label,
        v=cite(table, "per_vehicle_yuan", download=download, **at),
        p=fmt.fmt_period(r["period_start"], r["period_end"], str(r["period_type"])),
        n=cite(table, "vehicles", download=download, **at),
        what=what,
    )
    if published is None:
        return sentence
    theirs = published.filter(
        (pl.col("metric") == f"{metric}_per_vehicle")
        & (pl.col("period_start") == r["period_start"])
        & (pl.col("period_end") == r["period_end"])
    )
    if theirs.is_empty():
        return sentence
    f = theirs.row(0, named=True)
    from ..display.chartkit import source_labels

    return text(
        "{s} A published figure for the same period is {v} yuan ({who}).",
        s=sentence,
        v=fmt.fmt_q(f["value"], str(f["qualifier"])),
        who=source_labels([f["source_id"]]).get(f["source_id"], str(f["source_id"])),
    )


def verdict_counts(counts: pl.DataFrame, *, download: str, total: int) -> Text:
    """ "Of N claims, a are confirmed, b consistent, ...", from a frame of ``verdict`` and ``n``."""
    parts = [
        text("{n} {v}", n=cite(counts, "n", download=download, verdict=r["verdict"]), v=r["verdict"])
        for r in counts.sort("n", descending=True).iter_rows(named=True)
    ]
    return text("Of the {total} quantitative claims in the five seed articles: {parts}.", total=str(total), parts=parts)


def contradicted_claims(results: pl.DataFrame) -> Text | None:
    """The claims our figures contradict, by their wording."""
    bad = results.filter(pl.col("verdict") == "contradicted")
    if bad.is_empty():
        return text("No claim is contradicted by an independent figure.")
    return text("Contradicted: {items}.", items=[text("\u201c{t}\u201d", t=t) for t in bad["text"].to_list()])


def tier_shares(tiers: pl.DataFrame, *, download: str) -> Text | None:
    """How much of the record rests on each source tier (``tiers`` has ``tier``, ``figures``
    and ``share``)."""
    if tiers.is_empty():
        return None
    parts = [
        text(
            "{s} on {t} sources",
            s=cite(tiers, "share", download=download, kind="pct", decimals=1, tier=r["tier"]),
            t=str(r["tier"]),
        )
        for r in tiers.sort("share", descending=True).iter_rows(named=True)
    ]
    return text("The figures in the catalog rest {parts}.", parts=parts)


def validation_status(problems: list, *, sources: pl.DataFrame, download: str) -> Text:
    """Whether the catalog passed validation, and how many sources back it."""
    n = count(sources, "source_id", download=download)
    if problems:
        return text("Validation found {k}; the catalog did not load.", k=counted(len(problems), "problem"))
    return text(
        "Every table passes validation: every figure is typed, resolves to one of {n} sources, and "
        "has exactly one preferred value per key.",
        n=n,
    )
