"""Figures implied by published totals: computed on load, labelled, never stored.

Three kinds, each computed only from preferred, sourced figures of one measure and perimeter:

- **A missing month of a published period** (a year, half-year or quarter whose total is in the
  facts table): ``total - sum(the period's known parts)``, when exactly one month of the period
  is not known. The known parts are the published months and the published totals of shorter
  periods inside it (HIMA's FY2024 total less its H1 2024 total and the published months of H2
  gives October 2024);
- **A multi-month remainder**: when several months of such a period are not known, their
  combined total (``months`` lists them, ``period`` names them: "Jan–Mar 2024"), e.g. HIMA's
  March + April 2025;
- **A missing brand of a month**: the alliance total minus every other brand, when all the
  alliance's other active brands published that month.

Each implied figure carries qualifier ``implied`` (or ``over``/``under`` when an input is a
bound, by the difference rule of :mod:`~.metrics.qualifiers`), the formula in words and the
source ids of every input. ``input_qualifier`` is what the inputs alone give by that rule
(``rounded`` when one of them is a rounded figure such as "≈ 30,500"), so that a page can keep
the mark of its inputs. A remainder that comes out negative, or a period whose published
months already exceed its total, is reported by :func:`conflicts` instead of being used.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from .metrics.qualifiers import qualifier_of_difference, qualifier_of_sum

__all__ = ["IMPLIED_COLUMNS", "block_label", "conflicts", "implied_brands", "implied_figures", "implied_months"]

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
    "period",
    "input_qualifier",
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


def block_label(months: list[dt.date]) -> str:
    """The months an implied figure covers, as a reader names them: runs as ranges, the year
    written once when every run falls in it.

    >>> D = dt.date
    >>> block_label([D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]), block_label([D(2024, 10, 1)])
    ('Jan–Mar 2024', 'Oct 2024')
    >>> block_label([D(2024, 2, 1), D(2024, 4, 1), D(2024, 5, 1)]), block_label([D(2025, 1, 1), D(2025, 3, 1)])
    ('Feb and Apr–May 2024', 'Jan and Mar 2025')
    >>> block_label([D(2023, m, 1) for m in (1, 3, 6, 9)]), block_label([D(2024, 12, 1), D(2025, 1, 1), D(2025, 3, 1)])
    ('Jan, Mar, Jun and Sep 2023', 'Dec 2024–Jan 2025, Mar 2025')
    """
    import calendar

    from .display.formatting import fmt_month_runs

    ordered = sorted({m.replace(day=1) for m in months})
    if not ordered or ordered[0].year != ordered[-1].year:
        return fmt_month_runs(ordered)
    runs: list[list[dt.date]] = []
    for m in ordered:
        if runs and runs[-1][-1].month + 1 == m.month:
            runs[-1].append(m)
        else:
            runs.append([m])
    names = [
        calendar.month_abbr[r[0].month] + (f"–{calendar.month_abbr[r[-1].month]}" if len(r) > 1 else "") for r in runs
    ]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed} {ordered[0].year}"


def _figure(value: float, qualifier: str | None) -> str:
    """A figure with its qualifier's mark, as the formula prints it: ``> 387,000``, ``≈ 30,500``."""
    from .display.formatting import fmt_bound

    return fmt_bound(f"{value:,.0f}", None if qualifier in ("exact", "implied") else qualifier)


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
    month, ``months`` every month in it, ``period`` their label).

    Periods are taken shortest first. Inside a period, a shorter published period with a month
    that is not published stands in for its months (its total is known though its months are
    not); such a sub-period must be a point figure, not a bound, and the ones used do not
    overlap (the longest first). A month already implied by a shorter period is not implied
    again by a longer one."""
    deliveries = volumes.filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")).select(
        pl.col("entity").cast(pl.String), "month", "value", pl.col("qualifier").cast(pl.String), "source_id"
    )
    published = {(e, m): (v, q, s) for e, m, v, q, s in deliveries.iter_rows()}
    periods = [
        {**r, "months": _month_list(r["period_start"], r["period_end"])} for r in _periods(facts).iter_rows(named=True)
    ]
    periods.sort(key=lambda r: (r["entity"], len(r["months"]), r["period_start"]))
    seen: dict[str, list[dict]] = {}
    rows = []
    for r in periods:
        entity, months = r["entity"], r["months"]
        inside = [
            s
            for s in seen.get(entity, [])
            if set(s["months"]) < set(months)
            and s["total_q"] not in ("over", "under")
            and any((entity, m) not in published for m in s["months"])
        ]
        seen.setdefault(entity, []).append(r)
        subs: list[dict] = []
        for s in sorted(inside, key=lambda s: (-len(s["months"]), s["period_start"])):
            if not any(set(s["months"]) & set(t["months"]) for t in subs):
                subs.append(s)
        by_sub = {m for s in subs for m in s["months"]}
        have = [(m, published[(entity, m)]) for m in months if (entity, m) in published and m not in by_sub]
        missing = [m for m in months if (entity, m) not in published and m not in by_sub]
        if not missing or not (have or subs):
            continue
        parts_q = _sum_q([q for _, (_, q, _) in have] + [s["total_q"] for s in subs])
        known = sum(v for _, (v, _, _) in have) + sum(s["total"] for s in subs)
        value = r["total"] - known
        inputs_q = _diff_q(r["total_q"], parts_q)
        q = _as_implied(inputs_q)
        if q is None or value <= 0:
            continue  # bounded on neither side, or negative: see conflicts()
        label = _period_label(r["period_start"], r["period_end"])
        srcs = ";".join(dict.fromkeys([r["total_src"], *(s["total_src"] for s in subs), *(s for _, (_, _, s) in have)]))
        less = [
            f"the {_period_label(s['period_start'], s['period_end'])} total {_figure(s['total'], s['total_q'])}"
            for s in subs
        ]
        if have:
            months_q = _sum_q([q for _, (_, q, _) in have])
            n = len(have)
            less.append(
                f"the {n} published month{'s' if n != 1 else ''} {block_label([m for m, _ in have])} "
                f"({_figure(sum(v for _, (v, _, _) in have), months_q)})"
            )
        block = block_label(missing)
        what = block if len(missing) == 1 else f"{block} together"
        note = (
            f"Implied: {label} total {_figure(r['total'], r['total_q'])} less {' and '.join(less)} "
            f"leaves {_figure(value, inputs_q)} for {what}."
        )
        rows.append(
            {
                "month": missing[0],
                "entity": entity,
                "measure": "deliveries",
                "perimeter": "all",
                "value": int(round(value)),
                "qualifier": q,
                "source_id": srcs,
                "note": note,
                "months": missing,
                "kind": "month" if len(missing) == 1 else "remainder",
                "period": block,
                "input_qualifier": inputs_q,
            }
        )
    # The shortest period decides a month; a longer period that implies a month already implied
    # (rows come shortest period first) is dropped.
    kept: list[dict] = []
    taken: set[tuple[str, dt.date]] = set()
    for row in rows:
        cells = {(row["entity"], m) for m in row["months"]}
        if cells & taken:
            continue
        taken |= cells
        kept.append(row)
    return _frame(kept)


def implied_brands(
    volumes: pl.DataFrame, entities: pl.DataFrame, events: pl.DataFrame | None = None, alliance: str = "HIMA"
) -> pl.DataFrame:
    """A brand's implied month: the alliance total minus every other brand, when exactly one of
    the brands on sale that month did not publish. A brand counts as on sale from the earliest
    of its first delivery date, its launch or first-delivery events, and its own or any model's
    first published figure (:func:`~hima_analytics.reconcile.active_since`)."""
    from .reconcile import active_since
    from .vocabulary import entity_labels

    names = entity_labels(entities)
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
        inputs_q = _diff_q(total_q, parts_q)
        q = _as_implied(inputs_q)
        if q is None or value <= 0:
            continue
        from .display.formatting import fmt_month

        others = ", ".join(
            f"{names.get(e, e)} {_figure(v, fq)}"
            for e, v, fq in figs.select("entity", "value", "qualifier").iter_rows()
        )
        note = (
            f"Implied: {names.get(alliance, alliance)} {fmt_month(month)} total {_figure(total, total_q)} "
            f"less the other brands ({others}) leaves {_figure(value, inputs_q)}."
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
                "period": fmt_month(month),
                "input_qualifier": inputs_q,
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
        "period": pl.String,
        "input_qualifier": pl.String,
    }
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def implied_figures(
    volumes: pl.DataFrame, facts: pl.DataFrame, entities: pl.DataFrame, events: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Every implied figure, months and remainders first then brands, by entity and first month,
    for a table: ``value_qualifier`` is the mark the figure keeps from its inputs (``rounded``
    or ``about`` for a figure computed from an approximate one, a bound's own, else
    ``implied``)."""
    rows = pl.concat([implied_months(volumes, facts), implied_brands(volumes, entities, events)])
    return rows.with_columns(
        pl.when(pl.col("input_qualifier").is_in(["rounded", "about", "over", "under"]))
        .then(pl.col("input_qualifier"))
        .otherwise(pl.lit("implied"))
        .alias("value_qualifier")
    ).sort("entity", "month")


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
