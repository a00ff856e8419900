"""What our data says about a claim: figures from sources other than the claim's own seed, period
totals from published totals, quarters or months, and one computation per kind of claim."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

import polars as pl

from .. import vocabulary
from ..display import formatting as fmt
from ..display.names import name_of
from .verdicts import D, Evidence, interval, only_on_record, published_precision

__all__ = [
    "article_label",
    "article_undated",
    "date_inferred",
    "seed_sources",
    "cumulative_figure",
    "cumulative_losses",
    "loss_periods",
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


def seed_sources() -> frozenset[str]:
    """The source ids of every seed article: a source with a seed file, or whose id says it is
    one (``seed-...``). A figure from any of them is never evidence for a claim."""
    from ..catalog import load

    ids = load("sources").filter(pl.col("seed_file").is_not_null() | pl.col("source_id").str.starts_with("seed-"))
    return frozenset(ids["source_id"].to_list())


#: How the catalog's source notes say that a page prints no date and its date was worked out
#: ("date inferred from the text", "the earliest possible day", "No printed date"). Used only to
#: label a date in words, never to reach a verdict.
_UNDATED_PAGE = re.compile(
    r"^\s*no (?:printed )?(?:article |publication )?date|\binferred\b|\bearliest (?:possible|consistent)\b"
    r"|\(approximation\)",
    re.IGNORECASE,
)


def date_inferred(source_id: str) -> bool:
    """Whether the catalog dates ``source_id`` by inference: it has a date, and its note says the
    page prints none (the date was worked out from the text, the URL or the events reported).

    >>> date_inferred("hima4-36krjp-2025-07-01-hima-june-brands"), date_inferred("aito-ichongqing-2025-06-05-hima-may")
    (True, False)
    """
    from ..catalog import load

    rows = load("sources").filter(pl.col("source_id") == source_id)
    if rows.is_empty() or rows["published"][0] is None:
        return False
    return bool(_UNDATED_PAGE.search(rows["note"][0] or ""))


def source_label(source_id: str, seed_file: str | None = None) -> str:
    """Who published a figure, in words: "36Kr Japan, 1 Jul 2025", with ", date inferred" when
    the page prints no date, ", a seed article" for another seed article, or "this article" for
    the claim's own seed."""
    from ..catalog import load

    rows = load("sources").filter(pl.col("source_id") == source_id)
    if rows.is_empty():
        return ""
    r = rows.row(0, named=True)
    if seed_file is not None and r["seed_file"] == seed_file:
        return "this article"
    label = f"{r['publisher']}, {fmt.fmt_date(r['published'])}" if r["published"] else f"{r['publisher']}, undated"
    if date_inferred(source_id):
        label += ", date inferred"
    if source_id in seed_sources():
        label += ", a seed article"
    return label


def article_label(seed_file: str) -> str:
    """A seed article in words: its publisher and date ("S&P Global Mobility, 2 Oct 2025"), or
    its publisher and "undated"."""
    from ..catalog import load

    rows = load("sources").filter(pl.col("seed_file") == seed_file).sort("source_id")
    if rows.is_empty():
        return "an article"
    r = rows.row(0, named=True)
    return f"{r['publisher']}, {fmt.fmt_date(r['published'])}" if r["published"] else f"{r['publisher']}, undated"


def article_undated(seed_file: str) -> bool:
    """Whether the catalog has no publication date for the seed article (a date it speaks of is
    then inferred from its text)."""
    from ..catalog import load

    rows = load("sources").filter(pl.col("seed_file") == seed_file)
    return rows.is_empty() or rows["published"].is_null().all()


def _all_values(name: str, **filters) -> pl.DataFrame:
    from ..catalog import load

    return load(name, all_values=True, **filters).sort("preferred", descending=True, maintain_order=True)


def independent(name: str, seed: str, **filters) -> pl.DataFrame:
    """Every value of dataset ``name`` from sources other than the seed articles (the claim's
    ``seed`` and every other), the preferred one of each key first."""
    seeds = sorted(seed_sources() | own_sources(seed))
    return _all_values(name, **filters).filter(~pl.col("source_id").is_in(seeds))


def own_values(name: str, seed: str, **filters) -> pl.DataFrame:
    """The values of dataset ``name`` that come from the claim's own seed."""
    own = sorted(own_sources(seed))
    return _all_values(name, **filters).filter(pl.col("source_id").is_in(own))


def first_row(frame: pl.DataFrame) -> dict | None:
    return frame.row(0, named=True) if frame.height else None


def agrees_with_preferred(row: dict, best: dict | None) -> bool:
    """Whether the catalog stands behind ``row``'s figure: it is the preferred value for its key,
    the preferred value is the same figure (a re-report of "over 1,000,000"), or the preferred
    value is a point figure inside ``row``'s range (52,747 inside a rounded 52,700). A bound
    preferred over a point figure means the catalog does not rely on the point figure for that key.

    >>> agrees_with_preferred({"value": 52_700, "qualifier": "rounded", "preferred": False},
    ...                       {"value": 52_747, "qualifier": "exact"})
    True
    >>> agrees_with_preferred({"value": 389_100, "qualifier": "rounded", "preferred": False},
    ...                       {"value": 387_000, "qualifier": "over"})
    False
    >>> agrees_with_preferred({"value": 1_000_000, "qualifier": "over", "preferred": False},
    ...                       {"value": 1_000_000, "qualifier": "over"})
    True
    """
    if row["preferred"] or best is None:
        return True
    if float(row["value"]) == float(best["value"]) and str(row["qualifier"]) == str(best["qualifier"]):
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
    rows: pl.DataFrame,
    seed: str,
    make: Callable[[dict], tuple[str, str]],
    *,
    measure: str | None,
    ranking: pl.DataFrame | None = None,
) -> Evidence | None:
    """The evidence of the values on record for one key (``rows``, every source): the first
    independent value (the preferred one first), the other independent values, the article's own
    value, and the values other seed articles give (named, never evidence). ``make`` gives a row's
    basis and its printed figure. Whether a value agrees with the one the catalog prefers is
    judged against ``ranking`` (every value of the key) when given: ``rows`` may leave the
    preferred value out (a cut-off date), and a value does not become preferred because of it."""
    own_ids = own_sources(seed)
    seed_ids = seed_sources()
    ordered = rows.sort("preferred", descending=True, maintain_order=True)
    best = first_row((ordered if ranking is None else ranking).filter(pl.col("preferred")))

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
    seeded: list[Evidence] = []
    for r in ordered.iter_rows(named=True):
        if r["source_id"] in own_ids:
            continue
        e = one(r)
        bucket = seeded if r["source_id"] in seed_ids else theirs
        if not any(t.value == e.value and t.qualifier == e.qualifier for t in bucket):
            bucket.append(e)
    own = mine[0] if mine else None
    if not theirs:
        if own is None and not seeded:
            return None
        return Evidence(None, None, "", measure=measure, own=own, seeds=tuple(seeded))
    head, *rest = theirs
    return replace(head, others=tuple(rest), own=own, seeds=tuple(seeded))


def _financial_rows(company: str, metric: str, period_type: str, start: dt.date) -> pl.DataFrame:
    return _all_values("financials", entity=company, start=start, end=start).filter(
        (pl.col("metric") == metric) & (pl.col("period_type") == period_type) & (pl.col("perimeter") == "all")
    )


def financial_figure(company: str, metric: str, period_type: str, start: dt.date, seed: str) -> dict | None:
    """The first value of a financial figure from a source that is not a seed article."""
    seeds = sorted(seed_sources() | own_sources(seed))
    return first_row(_financial_rows(company, metric, period_type, start).filter(~pl.col("source_id").is_in(seeds)))


def _monthly_rows(entity: str, month: dt.date) -> pl.DataFrame:
    return _all_values("volumes", entity=entity, start=month, end=month).filter(
        (pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")
    )


def monthly_figure(entity: str, month: dt.date, seed: str) -> dict | None:
    """The first value of a month's deliveries from a source that is not a seed article."""
    seeds = sorted(seed_sources() | own_sources(seed))
    return first_row(_monthly_rows(entity, month).filter(~pl.col("source_id").is_in(seeds)))


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
    seeded = totals.seeds if totals else ()
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
        every = facts_of(entity, "deliveries", None).filter(
            pl.col("period_start").is_in(quarters["period_start"].to_list())
        )
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
        if own is None and not seeded:
            return None
        return Evidence(None, None, "", measure="deliveries", own=own, seeds=seeded)
    return replace(ranked[0], own=own, seeds=seeded)


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
            gaps = [(n, e) for n, e in ((entity, part), ("HIMA", whole)) if e is None or e.value is None]
            missing = " and ".join(name_of(n) for n, _ in gaps)
            on_record = [
                f"for {name_of(n)}, {only_on_record(e.own, e.seeds)}"
                for n, e in gaps
                if e is not None and (e.own is not None or e.seeds)
            ]
            return Evidence(
                None,
                None,
                f"no {label} deliveries for {missing} from sources other than the seed articles "
                "(no period total, and the months or quarters do not cover the period)"
                + "".join(f"; {n}" for n in on_record),
                tuple(s for _, e in gaps if e is not None for s in e.sources),
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


def _speaks_of(seed: str, as_of: dt.date) -> str:
    """ "9 Dec 2025, the date the article speaks of", saying the date is inferred from the text
    when the catalog has no date for the article."""
    inferred = " (the article is undated: the date is inferred from its text)" if article_undated(seed) else ""
    return f"{fmt.fmt_date(as_of)}, the date the article speaks of{inferred}"


def _preferred_published_later(
    used: Evidence, every: pl.DataFrame, seed: str, as_of: dt.date | None, show: Callable[[dict], str]
) -> str:
    """When the value the catalog prefers for the key was published after the cut-off, so the
    figure used is one it ranks below: "; the catalog prefers Gasgoo's > 1,000,000 (...), published
    after ...; the figure used is the one published by then, the same figure". Empty otherwise."""
    if as_of is None:
        return ""
    best = first_row(every.filter(pl.col("preferred")))
    if best is None or best["source_id"] in used.sources:
        return ""
    shown = show(best)
    same = agrees_with_preferred({**best, "value": used.value, "qualifier": used.qualifier, "preferred": False}, best)
    return (
        f"; the catalog prefers {shown} ({source_label(best['source_id'], seed)}) for this figure, a page "
        f"published after {fmt.fmt_date(as_of)}, so the figure used is a re-report published by then, which the "
        f"catalog ranks below it ({'the same figure' if same else 'a different figure'})"
    )


def cumulative_figure(subject: str, metric: str, as_of: dt.date | None) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        f = facts_of(subject, metric, seed, on_or_before=as_of)
        if f.is_empty():
            when = f" up to {fmt.fmt_date(as_of)}" if as_of else ""
            return Evidence(None, None, f"no independent {vocabulary.label('metric', metric).lower()} figure{when}")
        latest = f.sort("period_end", "value", "preferred").tail(1).row(0, named=True)
        every = facts_of(subject, metric, None, on_or_before=as_of).filter(pl.col("period_end") == latest["period_end"])
        ranking = facts_of(subject, metric, None).filter(pl.col("period_end") == latest["period_end"])
        # With a cut-off, the figure is dated by its publication (the source's own wording says when);
        # the milestone date the catalog files it under may come from a later source.
        when = (
            f" in the latest figure published by {_speaks_of(seed, as_of)}"
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
            ranking=ranking,
        )
        if ev is None or ev.value is None:  # not reached: ``f`` holds an independent row for this date
            return Evidence(None, None, "no independent figure")
        basis = f"{ev.basis} ({ev.label})" + _preferred_published_later(
            ev, ranking, seed, as_of, lambda r: fmt.fmt_q(r["value"], str(r["qualifier"]))
        )
        return replace(ev, basis=basis, others=())  # re-reports of the same milestone add nothing

    return compute


def single_fact(subject: str, metric: str, as_of: dt.date | None = None) -> Callable[[str], Evidence]:
    """One fact from sources other than the seed articles; with ``as_of``, only from sources
    published by that date (the date the article speaks of). Whether it is the value the catalog
    prefers is judged against every value of its key, whatever their date."""

    def compute(seed: str) -> Evidence:
        rows = facts_of(subject, metric, None, on_or_before=as_of)
        keys = rows.select("period_start", "period_end").unique()
        ranking = facts_of(subject, metric, None).join(keys, on=["period_start", "period_end"], how="semi")
        ev = keyed_evidence(
            rows,
            seed,
            lambda r: (f"\u201c{r['description']}\u201d", fmt.fmt_value(r["value"], str(r["unit"]))),
            measure=None,
            ranking=ranking,
        )
        if ev is None or ev.value is None:
            return replace(
                ev or Evidence(None, None, ""),
                basis=f"no source other than the seed articles reports this figure "
                f"({vocabulary.label('metric', metric)})",
            )
        if as_of is None:
            return ev

        def shown(r: dict) -> str:
            return fmt.fmt_bound(fmt.fmt_value(r["value"], str(r["unit"])), str(r["qualifier"]))

        basis = f"{ev.basis} ({ev.label}), published by {_speaks_of(seed, as_of)}" + _preferred_published_later(
            ev, ranking, seed, as_of, shown
        )
        return replace(ev, basis=basis)

    return compute


def _money(row: dict) -> str:
    shown = mn_yuan(row["value"]) if str(row["unit"]) == "CNY_mn" else fmt.fmt_value(row["value"], str(row["unit"]))
    return fmt.fmt_bound(shown, str(row["qualifier"]))


def financial_claim(
    company: str, metric: str, period_type: str, start: dt.date, *, readings: tuple[str, ...] = ()
) -> Callable[[str], Evidence]:
    """A company's financial figure for one period, from sources other than the seed articles.
    ``readings`` are the other metrics the claim's wording may mean (a "net loss" that does not say
    whether it is the loss attributable to shareholders or the total): the figure of each one on
    record comes with the evidence, and the verdict weighs them all (see :func:`~.verdicts.assess`)."""

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
        if not readings:
            return ev
        others = [(m, _financial_evidence(company, m, period_type, start, seed)) for m in readings]
        found = tuple(
            replace(
                e,
                reading=lower_first(vocabulary.label("metric", m)),
                basis=f"{e.basis} ({e.label})" if e.label and not (e.others or e.own) else e.basis,
            )
            for m, e in others
            if e
        )
        if not found:
            absent = " or ".join(lower_first(vocabulary.label("metric", m)) for m in readings)
            return replace(ev, basis=f"{ev.basis}; taken as {what}: no {absent} is on record", reading=what)
        return replace(ev, reading=what, readings=found)

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


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The calendar months from ``start`` to ``end``, as (year, month)."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _spans(months: list[tuple[int, int]]) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive months, as (first day, last day)."""
    runs: list[list[tuple[int, int]]] = []
    for ym in months:
        if runs and _months(D(*runs[-1][-1], 1), D(*ym, 1))[1:] == [ym]:
            runs[-1].append(ym)
        else:
            runs.append([ym])
    return [(D(*run[0], 1), D(*run[-1], calendar.monthrange(*run[-1])[1])) for run in runs]


def loss_periods(company: str, first: dt.date, last: dt.date, seed: str) -> pl.DataFrame:
    """The periods of ``company``'s net profit attributable to shareholders that together cover as
    much of ``first..last`` as the catalog allows without overlapping: the preferred value of each
    year, half or quarter from a source that is not a seed article, longest periods first (a year
    before its halves, a half before its quarters), in date order."""
    rows = (
        independent("financials", seed, entity=company)
        .filter(
            (pl.col("metric") == "net_profit_attributable")
            & pl.col("period_type").is_in(["FY", "H", "Q"])
            & (pl.col("perimeter") == "all")
            & pl.col("preferred")
            & (pl.col("period_start") >= first)
            & (pl.col("period_end") <= last)
        )
        .with_columns((pl.col("period_end") - pl.col("period_start")).alias("_length"))
        .sort(["_length", "period_start"], descending=[True, False])
    )
    chosen: list[dict] = []
    taken: set[tuple[int, int]] = set()
    for r in rows.iter_rows(named=True):
        months = set(_months(r["period_start"], r["period_end"]))
        if months & taken:
            continue
        taken |= months
        chosen.append(r)
    if not chosen:
        return rows.drop("_length").head(0)
    return pl.DataFrame(chosen, schema=rows.schema).drop("_length").sort("period_start")


def cumulative_losses(company: str, first_year: int, last_year: int) -> Callable[[str], Evidence]:
    """Losses over ``first_year``..``last_year`` ("cumulative losses since 2021 exceed X"), from the
    periods on record (see :func:`loss_periods`):

    - when they cover the window up to the latest period on record, with no month missing before
      it, their sum is the cumulative loss to that period; if every period is a loss, the
      cumulative loss over the window is at least that sum only if the later periods not yet on
      record were losses too, so the figure is a lower bound ("over"), and the basis says so;
    - when a month before the latest period is missing, the sum of the periods on record is a
      lower bound only if the missing periods were losses too, which the data does not say: the
      claim is ``consistent`` if that sum already exceeds the claim, else ``not verifiable``,
      with the periods missing and the sum named;
    - a period with a profit makes a partial sum no bound at all: ``not verifiable``.

    The published cumulative losses that start before the window are named, not used: without
    the years before it, they cannot be cut to the window."""

    def compute(seed: str) -> Evidence:
        first, last = D(first_year, 1, 1), D(last_year, 12, 31)
        pieces = loss_periods(company, first, last, seed)
        totals = facts_of(company, "cumulative_net_loss", seed)
        published = "; ".join(
            f"{fmt.fmt_money(r['value'])} over {fmt.fmt_period(r['period_start'], r['period_end'])}"
            for r in totals.filter(pl.col("period_start") < first).sort("period_end").iter_rows(named=True)
        )
        earliest = min(totals["period_start"]).year if published else first_year
        full_years = set(
            independent("financials", seed, entity=company)
            .filter(
                (pl.col("metric") == "net_profit_attributable")
                & (pl.col("period_type") == "FY")
                & (pl.col("perimeter") == "all")
            )["period_start"]
            .dt.year()
            .to_list()
        )
        unknown = [f"FY{y}" for y in range(earliest, first_year) if y not in full_years]
        before = (
            f"; the published cumulative losses ({published}) start before {first_year}"
            + (
                f", and no {' or '.join(unknown)} net profit attributable is on record to take out of them"
                if unknown
                else ", so they are not used"
            )
            if published
            else ""
        )
        window = fmt.fmt_period(first, last)
        if pieces.is_empty():
            return Evidence(
                None,
                None,
                f"no annual, half-year or quarterly net profit attributable to shareholders is on record for "
                f"{window}{before}",
                tuple(totals["source_id"].to_list()),
            )
        latest = max(pieces["period_end"])
        covered = {ym for r in pieces.iter_rows(named=True) for ym in _months(r["period_start"], r["period_end"])}
        inside = [ym for ym in _months(first, latest) if ym not in covered]
        after = _months(latest + dt.timedelta(days=1), last) if latest < last else []
        profits = pieces.filter(pl.col("value") >= 0)
        losses = pieces.with_columns(-pl.col("value"))
        summed = sum_evidence(
            losses, f"net losses attributable to shareholders on record for {window} (mn yuan)", fact=True, measure=None
        )
        missing = "; ".join(fmt.fmt_period(a, b) for a, b in _spans(inside))
        later = "; ".join(fmt.fmt_period(a, b) for a, b in _spans(after))
        sources = tuple(pieces["source_id"].to_list()) + tuple(totals["source_id"].to_list())
        if not profits.is_empty():
            return Evidence(
                None,
                None,
                f"{summed.basis}; {fmt.fmt_period(profits['period_start'][0], profits['period_end'][0])} was a profit, "
                f"so a sum of the periods on record bounds nothing"
                + (f"; not on record: {missing}" if missing else "")
                + before,
                sources,
            )
        every_loss = "every period summed is a loss"
        if inside:
            bound = summed.value or 0.0
            one = len(_spans(inside)) == 1
            assumes = f"{missing} {'was a loss' if one else 'were losses'} too"
            condition = (
                f"{every_loss}, but {missing} {'is' if one else 'are'} not on record, so the sum is a lower bound "
                f"of the losses over {window} only if {assumes}"
                + (f" (and {later}, not on record either)" if later else "")
            )
            return Evidence(
                bound,
                "over",
                f"{summed.basis}; {condition}" + before,
                sources,
                shown=fmt.fmt_bound(fmt.fmt_money(bound), "over"),
                assumes=assumes,
            )
        if later:
            assumes = f"{later} {'was a loss' if len(_spans(after)) == 1 else 'were losses'} too"
            return replace(
                summed,
                qualifier="over",
                basis=f"{summed.basis}; {every_loss}, so the losses over {window} were at least this only if "
                f"{assumes} (not on record yet){before}",
                shown=fmt.fmt_bound(fmt.fmt_money(summed.value or 0.0), "over"),
                sources=sources,
                assumes=assumes,
            )
        return replace(summed, basis=summed.basis + before, sources=sources)

    return compute
