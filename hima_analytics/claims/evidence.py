"""What our data says about a claim: figures from sources other than the claim's own seed, period
totals from published totals, quarters or months, and one computation per kind of claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import polars as pl

from .. import vocabulary
from ..display import formatting as fmt
from ..display.names import name_of
from .verdicts import D, Evidence, interval, published_precision

__all__ = [
    "article_label",
    "cumulative_figure",
    "cumulative_losses",
    "facts_of",
    "fees_per_vehicle",
    "financial_claim",
    "financial_figure",
    "first_row",
    "growth_claim",
    "independent",
    "keyed_evidence",
    "agrees_with_preferred",
    "lower_first",
    "milestone_400k",
    "mn_yuan",
    "monthly_claim",
    "monthly_figure",
    "period_deliveries",
    "ratio_evidence",
    "own_sources",
    "own_values",
    "source_label",
    "share_of_hima",
    "single_fact",
    "sum_evidence",
]


def own_sources(seed_file: str) -> frozenset[str]:
    """The source ids that stand for the seed article ``seed_file`` (its figures in any table)."""
    from ..catalog import load

    return frozenset(load("sources").filter(pl.col("seed_file") == seed_file)["source_id"].to_list())


def source_label(source_id: str, seed_file: str | None = None) -> str:
    """Who published a figure, in words: "36Kr Japan, 1 Jul 2025", or "this article" for the
    claim's own seed."""
    from ..catalog import load

    rows = load("sources").filter(pl.col("source_id") == source_id)
    if rows.is_empty():
        return ""
    r = rows.row(0, named=True)
    if seed_file is not None and r["seed_file"] == seed_file:
        return "this article"
    return f"{r['publisher']}, {fmt.fmt_date(r['published'])}" if r["published"] else f"{r['publisher']}, undated"


def article_label(seed_file: str) -> str:
    """A seed article in words: its publisher and date ("S&P Global Mobility, 2 Oct 2025"), or
    its publisher and "undated"."""
    from ..catalog import load

    rows = load("sources").filter(pl.col("seed_file") == seed_file).sort("source_id")
    if rows.is_empty():
        return "an article"
    r = rows.row(0, named=True)
    return f"{r['publisher']}, {fmt.fmt_date(r['published'])}" if r["published"] else f"{r['publisher']}, undated"


def _all_values(name: str, **filters) -> pl.DataFrame:
    from ..catalog import load

    return load(name, all_values=True, **filters).sort("preferred", descending=True, maintain_order=True)


def independent(name: str, seed: str, **filters) -> pl.DataFrame:
    """Every value of dataset ``name`` from sources other than the claim's seed, the
    preferred one of each key first."""
    own = sorted(own_sources(seed))
    return _all_values(name, **filters).filter(~pl.col("source_id").is_in(own))


def own_values(name: str, seed: str, **filters) -> pl.DataFrame:
    """The values of dataset ``name`` that come from the claim's own seed."""
    own = sorted(own_sources(seed))
    return _all_values(name, **filters).filter(pl.col("source_id").is_in(own))


def first_row(frame: pl.DataFrame) -> dict | None:
    return frame.row(0, named=True) if frame.height else None


def agrees_with_preferred(row: dict, best: dict | None) -> bool:
    """Whether the catalog stands behind ``row``'s figure: it is the preferred value for its key,
    or the preferred value is a point figure inside ``row``'s range (52,747 inside a rounded
    52,700). A bound preferred over a point figure means the catalog does not rely on the point
    figure for that key.

    >>> agrees_with_preferred({"value": 52_700, "qualifier": "rounded", "preferred": False},
    ...                       {"value": 52_747, "qualifier": "exact"})
    True
    >>> agrees_with_preferred({"value": 389_100, "qualifier": "rounded", "preferred": False},
    ...                       {"value": 387_000, "qualifier": "over"})
    False
    """
    if row["preferred"] or best is None:
        return True
    if str(best["qualifier"]) in ("over", "under"):
        return False
    ranges = []
    for r in (row, best):
        q = str(r["qualifier"])
        ranges.append(interval(float(r["value"]), q, published_precision(float(r["value"]), q)))
    (a_lo, a_hi), (b_lo, b_hi) = ranges
    return a_lo <= b_hi and b_lo <= a_hi


def _agreeing(rows: pl.DataFrame, every: pl.DataFrame, key: list[str]) -> bool:
    """Whether the catalog stands behind every row of ``rows`` (see :func:`agrees_with_preferred`),
    with ``every`` holding all the values on record for those keys."""
    best = {tuple(r[k] for k in key): r for r in every.filter(pl.col("preferred")).iter_rows(named=True)}
    return all(agrees_with_preferred(r, best.get(tuple(r[k] for k in key))) for r in rows.iter_rows(named=True))


def keyed_evidence(
    rows: pl.DataFrame, seed: str, make: Callable[[dict], tuple[str, str]], *, measure: str | None
) -> Evidence | None:
    """The evidence of the values on record for one key (``rows``, every source): the first
    independent value (the preferred one first), the other independent values, and the article's
    own value. ``make`` gives a row's basis and its printed figure."""
    own_ids = own_sources(seed)
    ordered = rows.sort("preferred", descending=True, maintain_order=True)
    best = first_row(ordered.filter(pl.col("preferred")))

    def one(r: dict) -> Evidence:
        basis, shown = make(r)
        return Evidence(
            float(r["value"]),
            str(r["qualifier"]),
            basis,
            (r["source_id"],),
            measure=measure,
            preferred=agrees_with_preferred(r, best),
            label=source_label(r["source_id"], seed),
            shown=shown,
        )

    mine = [
        replace(one(r), preferred=bool(r["preferred"]))
        for r in ordered.iter_rows(named=True)
        if r["source_id"] in own_ids
    ]
    theirs: list[Evidence] = []
    for r in ordered.iter_rows(named=True):
        if r["source_id"] in own_ids:
            continue
        e = one(r)
        if not any(t.value == e.value and t.qualifier == e.qualifier for t in theirs):
            theirs.append(e)
    own = mine[0] if mine else None
    if not theirs:
        return None if own is None else Evidence(None, None, "", measure=measure, own=own)
    head, *rest = theirs
    return Evidence(
        head.value,
        head.qualifier,
        head.basis,
        head.sources,
        measure=measure,
        preferred=head.preferred,
        label=head.label,
        shown=head.shown,
        others=tuple(rest),
        own=own,
    )


def _financial_rows(company: str, metric: str, period_type: str, start: dt.date) -> pl.DataFrame:
    return _all_values("financials", entity=company, start=start, end=start).filter(
        (pl.col("metric") == metric) & (pl.col("period_type") == period_type) & (pl.col("perimeter") == "all")
    )


def financial_figure(company: str, metric: str, period_type: str, start: dt.date, seed: str) -> dict | None:
    own = own_sources(seed)
    return first_row(_financial_rows(company, metric, period_type, start).filter(~pl.col("source_id").is_in(own)))


def _monthly_rows(entity: str, month: dt.date) -> pl.DataFrame:
    return _all_values("volumes", entity=entity, start=month, end=month).filter(
        (pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")
    )


def monthly_figure(entity: str, month: dt.date, seed: str) -> dict | None:
    own = own_sources(seed)
    return first_row(_monthly_rows(entity, month).filter(~pl.col("source_id").is_in(own)))


def facts_of(
    subject: str,
    metric: str,
    seed: str | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    on_or_before: dt.date | None = None,
) -> pl.DataFrame:
    """The facts about ``subject``'s ``metric`` from sources other than the seed (every source
    when ``seed`` is None), the preferred value of each key first. With ``on_or_before``, only
    facts about periods ending by that date from sources published by it: a claim "to date" is
    checked against what was known on the article's date, so an undated source cannot count."""
    f = (_all_values("facts", entity=subject) if seed is None else independent("facts", seed, entity=subject)).filter(
        pl.col("metric") == metric
    )
    if start is not None:
        f = f.filter(pl.col("period_start") == start)
    if end is not None:
        f = f.filter(pl.col("period_end") == end)
    if on_or_before is not None:
        from ..catalog import load

        dated = load("sources").filter(pl.col("published") <= on_or_before).select("source_id")
        f = f.filter(pl.col("period_end") <= on_or_before).join(dated, on="source_id", how="semi")
    return f


def period_deliveries(entity: str, start: dt.date, end: dt.date, seed: str) -> Evidence | None:
    """An entity's deliveries over ``start..end`` from, in order: a published period total,
    the sum of published quarters, the sum of published months (sums only when they cover the
    period exactly). A point figure is preferred to a bound, and a figure the catalog prefers to
    one it ranks below another value; among equals, the first. The article's own period total,
    when the catalog holds it, comes with the evidence (it never counts as evidence itself)."""
    label = f"{name_of(entity)} {fmt.fmt_period(start, end)}"
    n_months = (end.year - start.year) * 12 + end.month - start.month + 1
    found: list[Evidence] = []
    totals = keyed_evidence(
        facts_of(entity, "deliveries", None, start=start, end=end),
        seed,
        lambda r: (
            f"{label} deliveries as published: {fmt.fmt_q(r['value'], str(r['qualifier']))}",
            fmt.fmt_q(r["value"], str(r["qualifier"])),
        ),
        measure="deliveries",
    )
    own = totals.own if totals else None
    if totals is not None and totals.value is not None:
        found.append(totals)
    quarters = (
        facts_of(entity, "deliveries", seed)
        .filter(
            (pl.col("period_start") >= start)
            & (pl.col("period_end") <= end)
            & ((pl.col("period_end").dt.month() - pl.col("period_start").dt.month()) == 2)
            & (pl.col("period_start").dt.year() == pl.col("period_end").dt.year())
        )
        .unique(["period_start"], keep="first", maintain_order=True)
        .sort("period_start")
    )
    if n_months > 3 and n_months % 3 == 0 and quarters.height == n_months // 3:
        every = facts_of(entity, "deliveries", None).filter(pl.col("period_start").is_in(quarters["period_start"]))
        found.append(
            sum_evidence(
                quarters,
                f"the {label} quarters as published",
                fact=True,
                preferred=_agreeing(quarters, every, ["period_start", "period_end"]),
            )
        )
    months = (
        independent("volumes", seed, entity=entity, start=start, end=end)
        .filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all"))
        .unique(["month"], keep="first", maintain_order=True)
        .sort("month")
    )
    if months.height == n_months:
        every = _all_values("volumes", entity=entity, start=start, end=end).filter(
            (pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")
        )
        agreed = _agreeing(months, every, ["month"])
        found.append(
            sum_evidence(months, f"the {n_months} published months of {label}", fact=False, preferred=agreed)
            if n_months > 1
            else Evidence(
                float(months["value"][0]),
                str(months["qualifier"][0]),
                f"{label} deliveries {fmt.fmt_q(months['value'][0], str(months['qualifier'][0]))}",
                (months["source_id"][0],),
                measure="deliveries",
                preferred=agreed,
                shown=fmt.fmt_q(months["value"][0], str(months["qualifier"][0])),
            )
        )
    points = [e for e in found if e.value is not None and e.qualifier not in ("over", "under")]
    ranked = sorted(points or found, key=lambda e: not e.preferred)
    if not ranked:
        return None if own is None else Evidence(None, None, "", measure="deliveries", own=own)
    best = ranked[0]
    return replace(best, own=own) if own is not None else best


def sum_evidence(
    rows: pl.DataFrame, what: str, *, fact: bool, measure: str | None = "deliveries", preferred: bool = True
) -> Evidence:
    from ..metrics.qualifiers import qualifier_of_sum

    q = rows.select(qualifier_of_sum("qualifier"))["qualifier"][0]
    parts = " + ".join(
        f"{fmt.fmt_period(r['period_start'], r['period_end']) if fact else fmt.fmt_month(r['month'])} "
        f"{fmt.fmt_q(r['value'], str(r['qualifier']))}"
        for r in rows.iter_rows(named=True)
    )
    total = float(rows["value"].sum())
    spread = sum(
        abs(r["value"]) * published_precision(r["value"], str(r["qualifier"])) for r in rows.iter_rows(named=True)
    )
    return Evidence(
        total if q else None,
        q,
        f"{what}: {parts}, in all {fmt.fmt_q(total, q)}",
        tuple(rows["source_id"].to_list()),
        precision=spread / abs(total) if total else 0.0,
        measure=measure,
        preferred=preferred,
        shown=fmt.fmt_q(total, q),
    )


def ratio_evidence(num: Evidence, den: Evidence, *, scale: float = 1.0) -> Evidence:
    """``num / den`` with the ratio rule for qualifiers and the inputs' precisions added; it is
    a preferred figure only when both inputs are."""
    from ..metrics.qualifiers import qualifier_of_ratio

    both = num.preferred and den.preferred
    if num.value is None or den.value is None or den.value <= 0:
        return Evidence(None, None, "", num.sources + den.sources, preferred=both)
    q = pl.DataFrame({"a": [num.qualifier], "b": [den.qualifier]}).select(qualifier_of_ratio("a", "b"))["qualifier"][0]
    return Evidence(
        num.value * scale / den.value if q else None,
        q,
        "",
        num.sources + den.sources,
        precision=num.width() + den.width(),
        preferred=both,
    )


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def mn_yuan(value: float) -> str:
    """Million yuan at the precision published (145,176 mn yuan; 2,940.89 mn yuan)."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{value:,.{decimals}f} mn yuan"


def _ranked_below(*parts: Evidence) -> str:
    """ "; ≈ 389,100 ranks below this article's > 387,000 in the catalog" for each input the
    catalog ranks below the article's own figure."""
    notes = [
        f"{p.shown} ({p.label or 'another source'}) ranks below this article's own {p.own.shown} in the catalog"
        for p in parts
        if not p.preferred and p.own is not None and p.own.preferred
    ]
    return "".join(f"; {n}" for n in notes)


def share_of_hima(entity: str, start: dt.date, end: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        part = period_deliveries(entity, start, end, seed)
        whole = period_deliveries("HIMA", start, end, seed)
        label = fmt.fmt_period(start, end)
        if part is None or whole is None or part.value is None or whole.value is None:
            missing = " and ".join(
                name_of(n) for n, e in ((entity, part), ("HIMA", whole)) if e is None or e.value is None
            )
            return Evidence(
                None,
                None,
                f"no {label} deliveries for {missing} from sources other than the article "
                "(no period total, and the months or quarters do not cover the period)",
            )
        share = ratio_evidence(part, whole)
        shown = (
            fmt.fmt_q(share.value, share.qualifier, kind="pct", decimals=1)
            if share.value is not None
            else "not bounded"
        )
        basis = f"{part.basis}; {whole.basis}; share {shown}" + _ranked_below(part, whole)
        return Evidence(
            share.value,
            share.qualifier,
            basis,
            share.sources,
            precision=share.precision,
            measure="deliveries",
            preferred=share.preferred,
            shown=shown,
        )

    return compute


def cumulative_figure(subject: str, metric: str, as_of: dt.date | None) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        f = facts_of(subject, metric, seed, on_or_before=as_of)
        if f.is_empty():
            when = f" up to {fmt.fmt_date(as_of)}" if as_of else ""
            return Evidence(None, None, f"no independent {vocabulary.label('metric', metric).lower()} figure{when}")
        latest = f.sort("period_end", "value", "preferred").tail(1).row(0, named=True)
        every = facts_of(subject, metric, None, on_or_before=as_of).filter(pl.col("period_end") == latest["period_end"])
        # With a cut-off, the figure is dated by its publication (the source's own wording says when);
        # the milestone date the catalog files it under may come from a later source.
        when = (
            f" in the latest figure published by {fmt.fmt_date(as_of)}, the date the article speaks of"
            if as_of
            else f" as of {fmt.fmt_date(latest['period_end'])}"
        )
        ev = keyed_evidence(
            every,
            seed,
            lambda r: (
                f"{fmt.fmt_q(r['value'], str(r['qualifier']))}{when}: \u201c{r['description']}\u201d",
                fmt.fmt_q(r["value"], str(r["qualifier"])),
            ),
            measure="deliveries" if metric == "cumulative_deliveries" else None,
        )
        if ev is None or ev.value is None:  # not reached: ``f`` holds an independent row for this date
            return Evidence(None, None, "no independent figure")
        return replace(ev, others=())  # re-reports of the same milestone add nothing

    return compute


def single_fact(subject: str, metric: str, as_of: dt.date | None = None) -> Callable[[str], Evidence]:
    """One fact from sources other than the article; with ``as_of``, only from sources published by
    that date (the date the article speaks of)."""

    def compute(seed: str) -> Evidence:
        rows = facts_of(subject, metric, None, on_or_before=as_of)
        ev = keyed_evidence(
            rows,
            seed,
            lambda r: (f"\u201c{r['description']}\u201d", fmt.fmt_value(r["value"], str(r["unit"]))),
            measure=None,
        )
        if ev is None or ev.value is None:
            return replace(
                ev or Evidence(None, None, ""),
                basis=f"no source other than the article reports this figure ({vocabulary.label('metric', metric)})",
            )
        return ev

    return compute


def _money(row: dict) -> str:
    shown = mn_yuan(row["value"]) if str(row["unit"]) == "CNY_mn" else fmt.fmt_value(row["value"], str(row["unit"]))
    return fmt.fmt_bound(shown, str(row["qualifier"]))


def financial_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        label = fmt.fmt_period(start, period_type=period_type)
        what = lower_first(vocabulary.label("metric", metric))
        ev = keyed_evidence(
            _financial_rows(company, metric, period_type, start),
            seed,
            lambda r: (f"{name_of(company)} {label} {what}: {_money(r)}", _money(r)),
            measure=metric,
        )
        if ev is None or ev.value is None:
            return replace(
                ev or Evidence(None, None, ""), basis=f"no {label} {what} for {name_of(company)} from other sources"
            )
        return ev

    return compute


def _financial_evidence(company: str, metric: str, period_type: str, start: dt.date, seed: str) -> Evidence | None:
    label = fmt.fmt_period(start, period_type=period_type)
    what = lower_first(vocabulary.label("metric", metric))
    ev = keyed_evidence(
        _financial_rows(company, metric, period_type, start),
        seed,
        lambda r: (f"{name_of(company)} {label} {what}: {_money(r)}", _money(r)),
        measure=metric,
    )
    return ev if ev is not None and ev.value is not None else None


def growth_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        base_start = start.replace(year=start.year - 1)
        cur, base = (
            _financial_evidence(company, metric, period_type, start, seed),
            _financial_evidence(company, metric, period_type, base_start, seed),
        )
        label, base_label = (
            fmt.fmt_period(start, period_type=period_type),
            fmt.fmt_period(base_start, period_type=period_type),
        )
        what = lower_first(vocabulary.label("metric", metric))
        if cur is None or base is None:
            return Evidence(
                None,
                None,
                f"needs {what} for {base_label} and {label} from other sources",
                tuple(s for e in (cur, base) if e for s in e.sources),
            )
        ratio = ratio_evidence(cur, base)
        value = ratio.value - 1 if ratio.value is not None else None
        precision = ratio.width() * ratio.value / abs(value) if value and ratio.value else 0.0
        return Evidence(
            value,
            ratio.qualifier,
            f"{cur.shown} in {label} against {base.shown} in {base_label}",
            cur.sources + base.sources,
            precision=precision,
            preferred=ratio.preferred,
        )

    return compute


def monthly_claim(entity: str, month: dt.date, label: str) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        ev = keyed_evidence(
            _monthly_rows(entity, month),
            seed,
            lambda r: (
                f"{label} {fmt.fmt_month(month)} deliveries: {fmt.fmt_q(r['value'], str(r['qualifier']))}",
                fmt.fmt_q(r["value"], str(r["qualifier"])),
            ),
            measure="deliveries",
        )
        if ev is None or ev.value is None:
            return replace(
                ev or Evidence(None, None, ""),
                basis=f"no {label} {fmt.fmt_month(month)} deliveries from a source other than the article",
            )
        return ev

    return compute


def fees_per_vehicle(seed: str) -> Evidence:
    fees = _financial_evidence("SERES", "payments_to_huawei", "H", D(2025, 1, 1), seed)
    cars = period_deliveries("AITO", D(2025, 1, 1), D(2025, 6, 30), seed)
    if fees is None or cars is None or cars.value is None:
        return Evidence(
            None, None, "needs Seres's H1 2025 payments to Huawei and AITO's H1 2025 deliveries from other sources"
        )
    per = ratio_evidence(fees, cars, scale=1e6)
    shown = fmt.fmt_q(per.value, per.qualifier) if per.value is not None else "not bounded"
    return Evidence(
        per.value,
        per.qualifier,
        f"{fees.shown} paid to Huawei, divided by the AITO cars the fees are paid on ({cars.basis}), gives "
        f"{shown} yuan per vehicle" + _ranked_below(fees, cars),
        (*fees.sources, *cars.sources),
        precision=per.precision,
        preferred=per.preferred,
        shown=shown,
    )


def milestone_400k(seed: str) -> Evidence:
    """Cumulative AITO deliveries by the end of month 28 (AITO's first deliveries were in
    March 2022, so July 2024), from the period totals and months on record."""
    first = D(2022, 3, 1)
    month_28 = D(2024, 7, 31)
    pieces = [
        period_deliveries("AITO", D(2022, 3, 1), D(2022, 12, 31), seed),
        period_deliveries("AITO", D(2023, 1, 1), D(2023, 12, 31), seed),
        period_deliveries("AITO", D(2024, 1, 1), month_28, seed),
    ]
    pieces = [p if p is not None and p.value is not None else None for p in pieces]
    produced = first_row(facts_of("AITO", "cumulative_production", seed).filter(pl.col("value") == 400_000))
    note = (
        f"; the 400,000 milestone our sources record is production (the 400,000th AITO off the line on "
        f"{fmt.fmt_date(produced['period_end'])}), a different measure"
        if produced
        else ""
    )
    if any(p is None for p in pieces):
        gaps = [lab for lab, p in zip(("Mar–Dec 2022", "FY2023", "Jan–Jul 2024"), pieces) if p is None]
        return Evidence(
            None,
            None,
            f"cumulative deliveries from {fmt.fmt_month(first)} to {fmt.fmt_month(month_28)} "
            f"cannot be summed: no total or complete months for {', '.join(gaps)}{note}",
            tuple(s for p in pieces if p for s in p.sources) + ((produced["source_id"],) if produced else ()),
        )
    total = sum(p.value for p in pieces if p and p.value)
    return Evidence(
        total,
        "exact",
        "; ".join(p.basis for p in pieces if p) + note,
        tuple(s for p in pieces if p for s in p.sources),
        measure="deliveries",
        preferred=all(p.preferred for p in pieces if p),
        shown=fmt.fmt_int(total),
    )


def cumulative_losses(company: str, first_year: int, last_year: int) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        years = list(range(first_year, last_year + 1))
        fin = (
            independent("financials", seed, entity=company)
            .filter(
                (pl.col("metric") == "net_profit_attributable")
                & (pl.col("period_type") == "FY")
                & (pl.col("perimeter") == "all")
            )
            .unique(["period_start"], keep="first", maintain_order=True)
        )
        have = {r["period_start"].year: r for r in fin.iter_rows(named=True)}
        missing = [y for y in years if y not in have]
        totals = facts_of(company, "cumulative_net_loss", seed)
        periods = "; ".join(
            f"{fmt.fmt_money(r['value'])} over {fmt.fmt_period(r['period_start'], r['period_end'])}"
            for r in totals.sort("period_end").iter_rows(named=True)
        )
        if missing:
            return Evidence(
                None,
                None,
                f"annual net profit attributable is missing for "
                f"{', '.join(f'FY{y}' for y in missing)}"
                + (f"; the published cumulative losses ({periods}) start in 2020, not {first_year}" if periods else ""),
                tuple(totals["source_id"].to_list()),
            )
        rows = pl.DataFrame([have[y] for y in years])
        return sum_evidence(
            rows.with_columns(-pl.col("value")), f"losses FY{first_year}–FY{last_year}", fact=True, measure=None
        )

    return compute
