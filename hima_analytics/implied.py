"""Figures implied by published totals: computed on load, labelled, never stored.

Three kinds, each computed only from preferred, sourced figures of one measure and perimeter:

- **A missing month of a published period** (a year, half-year or quarter whose total is in the
  facts table): ``total - sum(the period's other months)``, when exactly one month of the
  period is missing and every other month is published;
- **A multi-month remainder**: when several months of such a period are missing, their combined
  total (``months`` lists them), e.g. HIMA's March + April 2025;
- **A missing brand of a month**: the alliance total minus every other brand, when all the
  alliance's other active brands published that month.

Each implied figure carries qualifier ``implied`` (or ``over``/``under`` when an input is a
bound, by the difference rule of :mod:`~.metrics.qualifiers`), the formula in words and the
source ids of every input. A remainder that comes out negative, or a period whose published
months already exceed its total, is reported by :func:`conflicts` instead of being used.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from .metrics.qualifiers import qualifier_of_difference, qualifier_of_sum

__all__ = ["IMPLIED_COLUMNS", "conflicts", "implied_brands", "implied_months"]

IMPLIED_COLUMNS = (
    "month",
    "entity",
    "measure",
    "perimeter",
    "value",
    "qualifier",
    "source_id",
    "note",
    "months",
    "kind",
)


def _month_list(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def _period_label(start: dt.date, end: dt.date) -> str:
    from .display.formatting import fmt_period

    return fmt_period(start, end)


def _periods(facts: pl.DataFrame) -> pl.DataFrame:
    """Published delivery totals of whole calendar periods (quarters, halves, years)."""
    f = facts.filter(
        (pl.col("metric") == "deliveries")
        & (pl.col("period_start").dt.day() == 1)
        & (pl.col("period_start").dt.year() == pl.col("period_end").dt.year())
        & (pl.col("period_end") == pl.col("period_end").dt.month_end())
    )
    months = pl.col("period_end").dt.month() - pl.col("period_start").dt.month() + 1
    aligned = (
        ((months == 12) & (pl.col("period_start").dt.month() == 1))
        | ((months == 6) & pl.col("period_start").dt.month().is_in([1, 7]))
        | ((months == 3) & pl.col("period_start").dt.month().is_in([1, 4, 7, 10]))
    )
    return f.filter(aligned & ~pl.col("qualifier").cast(pl.String).is_in(["under"])).select(
        pl.col("subject").cast(pl.String).alias("entity"),
        "period_start",
        "period_end",
        pl.col("value").alias("total"),
        pl.col("qualifier").cast(pl.String).alias("total_q"),
        pl.col("source_id").alias("total_src"),
    )


def _sum_q(quals: list[str]) -> str | None:
    return (
        pl.DataFrame({"q": quals}, schema={"q": pl.String}).select(qualifier_of_sum("q"))["qualifier"][0]
        if quals
        else "exact"
    )


def _diff_q(a: str, b: str | None) -> str | None:
    return pl.DataFrame({"a": [a], "b": [b or "exact"]}).select(qualifier_of_difference("a", "b"))["qualifier"][0]


def _as_implied(q: str | None) -> str | None:
    return "implied" if q in ("exact", "rounded", "implied") else q


def implied_months(volumes: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Implied monthly deliveries and multi-month remainders from published period totals.

    ``volumes`` are the preferred volume rows; ``facts`` the preferred facts. One row per
    implied month (``kind`` "month") or remainder (``kind`` "remainder", ``month`` its first
    month, ``months`` every month in it)."""
    deliveries = volumes.filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")).select(
        pl.col("entity").cast(pl.String), "month", "value", pl.col("qualifier").cast(pl.String), "source_id"
    )
    published = {(e, m): (v, q, s) for e, m, v, q, s in deliveries.iter_rows()}
    rows = []
    for r in _periods(facts).iter_rows(named=True):
        months = _month_list(r["period_start"], r["period_end"])
        have = [(m, published[(r["entity"], m)]) for m in months if (r["entity"], m) in published]
        missing = [m for m in months if (r["entity"], m) not in published]
        if not missing or not have:
            continue
        parts_q = _sum_q([q for _, (_, q, _) in have])
        value = r["total"] - sum(v for _, (v, _, _) in have)
        q = _as_implied(_diff_q(r["total_q"], parts_q))
        if q is None or value <= 0:
            continue  # bounded on neither side, or negative: see conflicts()
        label = _period_label(r["period_start"], r["period_end"])
        srcs = ";".join(dict.fromkeys([r["total_src"], *(s for _, (_, _, s) in have)]))
        what = "the missing month" if len(missing) == 1 else f"the {len(missing)} missing months together"
        note = (
            f"Implied: {label} total {r['total']:,.0f} minus the {len(have)} published "
            f"month{'s' if len(have) != 1 else ''} of {label} "
            f"({sum(v for _, (v, _, _) in have):,.0f}) = {value:,.0f} for {what}."
        )
        rows.append(
            {
                "month": missing[0],
                "entity": r["entity"],
                "measure": "deliveries",
                "perimeter": "all",
                "value": int(round(value)),
                "qualifier": q,
                "source_id": srcs,
                "note": note,
                "months": missing,
                "kind": "month" if len(missing) == 1 else "remainder",
                "_span": len(months),
            }
        )
    # The shortest period decides a month; a longer period that implies the same month or overlaps
    # months already implied is dropped (and a different value for the same month is a conflict).
    rows.sort(key=lambda r: (r["entity"], r["_span"], r["month"]))
    kept: list[dict] = []
    taken: set[tuple[str, dt.date]] = set()
    for r in rows:
        cells = {(r["entity"], m) for m in r["months"]}
        if cells & taken:
            continue
        taken |= cells
        kept.append({k: v for k, v in r.items() if k != "_span"})
    return _frame(kept)


def implied_brands(
    volumes: pl.DataFrame, entities: pl.DataFrame, events: pl.DataFrame | None = None, alliance: str = "HIMA"
) -> pl.DataFrame:
    """A brand's implied month: the alliance total minus every other brand, when exactly one of
    the brands on sale that month did not publish. A brand counts as on sale from the earliest
    of its first delivery date, its launch or first-delivery events, and its own or any model's
    first published figure (:func:`~hima_analytics.reconcile.active_since`)."""
    from .reconcile import active_since

    brands = entities.filter((pl.col("parent").cast(pl.String) == alliance) & (pl.col("level") == "brand")).select(
        pl.col("entity").cast(pl.String)
    )
    d = volumes.filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")).select(
        pl.col("entity").cast(pl.String), "month", "value", pl.col("qualifier").cast(pl.String), "source_id"
    )
    since = active_since(volumes, entities, events)
    active = brands.join(
        since.select(pl.col(since.columns[0]).cast(pl.String).alias("entity"), pl.col(since.columns[1]).alias("from")),
        on="entity",
        how="left",
    )
    # A brand whose on-sale date is unknown may still have been on sale: it blocks the
    # implication from its first recorded appearance (any event of it or its models) onward.
    kin = entities.select(pl.col("entity").cast(pl.String), pl.col("parent").cast(pl.String))
    family = pl.concat(
        [
            brands.select("entity", pl.col("entity").alias("member")),
            kin.join(brands, left_on="parent", right_on="entity").select(
                pl.col("parent").alias("entity"), pl.col("entity").alias("member")
            ),
        ]
    )
    first_seen = (
        events.select(pl.col("entity").cast(pl.String).alias("member"), pl.col("date").dt.month_start())
        .join(family, on="member")
        .group_by("entity")
        .agg(pl.col("date").min().alias("seen"))
        if events is not None
        else pl.DataFrame(schema={"entity": pl.String, "seen": pl.Date})
    )
    active = active.join(first_seen, on="entity", how="left")
    totals = d.filter(pl.col("entity") == alliance)
    rows = []
    for month, total, total_q, total_src in totals.select("month", "value", "qualifier", "source_id").iter_rows():
        on_sale = active.filter(pl.col("from").is_not_null() & (pl.col("from") <= month))["entity"].to_list()
        doubtful = active.filter(pl.col("from").is_null() & (pl.col("seen").is_null() | (pl.col("seen") <= month)))
        figs = d.filter((pl.col("month") == month) & pl.col("entity").is_in(on_sale))
        missing = [b for b in on_sale if b not in figs["entity"].to_list()]
        if len(missing) != 1 or figs.is_empty() or doubtful.height:
            continue
        parts_q = _sum_q(figs["qualifier"].to_list())
        value = total - figs["value"].sum()
        q = _as_implied(_diff_q(total_q, parts_q))
        if q is None or value <= 0:
            continue
        from .display.formatting import fmt_month

        note = (
            f"Implied: {alliance} {fmt_month(month)} total {total:,} minus the other brands "
            f"({', '.join(f'{e} {v:,}' for e, v in figs.select('entity', 'value').iter_rows())}) = {value:,}."
        )
        rows.append(
            {
                "month": month,
                "entity": missing[0],
                "measure": "deliveries",
                "perimeter": "all",
                "value": int(value),
                "qualifier": q,
                "source_id": ";".join(dict.fromkeys([total_src, *figs["source_id"].to_list()])),
                "note": note,
                "months": [month],
                "kind": "brand",
            }
        )
    return _frame(rows)


def _frame(rows: list[dict]) -> pl.DataFrame:
    schema = {
        "month": pl.Date,
        "entity": pl.String,
        "measure": pl.String,
        "perimeter": pl.String,
        "value": pl.Int64,
        "qualifier": pl.String,
        "source_id": pl.String,
        "note": pl.String,
        "months": pl.List(pl.Date),
        "kind": pl.String,
    }
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def conflicts(volumes: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Periods whose published months already exceed the published total (an implied remainder
    would be negative). Implied figures that disagree with a published value or with their own
    model figures are listed by :func:`hima_analytics.reconcile.implied_vs_published`."""
    deliveries = volumes.filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all"))
    out = []
    for r in _periods(facts).iter_rows(named=True):
        months = _month_list(r["period_start"], r["period_end"])
        have = deliveries.filter((pl.col("entity").cast(pl.String) == r["entity"]) & pl.col("month").is_in(months))
        if have.height < len(months) and have["value"].sum() > r["total"] and r["total_q"] != "over":
            out.append(
                {
                    "entity": r["entity"],
                    "period": _period_label(r["period_start"], r["period_end"]),
                    "published_total": r["total"],
                    "months_sum": float(have["value"].sum()),
                    "issue": "the published months already exceed the period total",
                }
            )
    return pl.DataFrame(
        out,
        schema={
            "entity": pl.String,
            "period": pl.String,
            "published_total": pl.Float64,
            "months_sum": pl.Float64,
            "issue": pl.String,
        },
    )
