"""What our data says about a claim: figures from sources other than the claim's own seed, period
totals from published totals, quarters or months, and one computation per kind of claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from .. import vocabulary
from ..display import formatting as fmt
from ..display.names import name_of
from .verdicts import D, Evidence, published_precision

__all__ = [
    "cumulative_figure",
    "cumulative_losses",
    "facts_of",
    "fees_per_vehicle",
    "financial_claim",
    "financial_figure",
    "first_row",
    "growth_claim",
    "independent",
    "lower_first",
    "milestone_400k",
    "mn_yuan",
    "monthly_claim",
    "monthly_figure",
    "period_deliveries",
    "ratio_evidence",
    "seed_id",
    "share_of_hima",
    "single_fact",
    "sum_evidence",
]


def seed_id(seed_file: str) -> str:
    return "seed-" + seed_file[:3]


def independent(name: str, seed: str, **filters) -> pl.DataFrame:
    """Every value of dataset ``name`` from sources other than the claim's seed, the
    preferred one of each key first."""
    from ..catalog import load

    frame = load(name, all_values=True, **filters).filter(~pl.col("source_id").str.starts_with(seed_id(seed)))
    return frame.sort("preferred", descending=True)


def first_row(frame: pl.DataFrame) -> dict | None:
    return frame.row(0, named=True) if frame.height else None


def financial_figure(company: str, metric: str, period_type: str, start: dt.date, seed: str) -> dict | None:
    f = independent("financials", seed, entity=company, start=start, end=start).filter(
        (pl.col("metric") == metric) & (pl.col("period_type") == period_type) & (pl.col("perimeter") == "all")
    )
    return first_row(f)


def monthly_figure(entity: str, month: dt.date, seed: str) -> dict | None:
    v = independent("volumes", seed, entity=entity, start=month, end=month).filter(
        (pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")
    )
    return first_row(v)


def facts_of(
    subject: str,
    metric: str,
    seed: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    on_or_before: dt.date | None = None,
) -> pl.DataFrame:
    f = independent("facts", seed, entity=subject).filter(pl.col("metric") == metric)
    if start is not None:
        f = f.filter(pl.col("period_start") == start)
    if end is not None:
        f = f.filter(pl.col("period_end") == end)
    if on_or_before is not None:
        f = f.filter(pl.col("period_end") <= on_or_before)
    return f


def period_deliveries(entity: str, start: dt.date, end: dt.date, seed: str) -> Evidence | None:
    """An entity's deliveries over ``start..end`` from, in order: a published period total,
    the sum of published quarters, the sum of published months (sums only when they cover the
    period exactly). A point figure is preferred to a bound; among equals, the first."""
    label = f"{name_of(entity)} {fmt.fmt_period(start, end)}"
    n_months = (end.year - start.year) * 12 + end.month - start.month + 1
    found: list[Evidence] = []
    total = first_row(facts_of(entity, "deliveries", seed, start=start, end=end))
    if total:
        found.append(
            Evidence(
                total["value"],
                str(total["qualifier"]),
                f"{label} total as published: {fmt.fmt_q(total['value'], str(total['qualifier']))}",
                (total["source_id"],),
            )
        )
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
        found.append(sum_evidence(quarters, f"the {label} quarters as published", fact=True))
    months = (
        independent("volumes", seed, entity=entity, start=start, end=end)
        .filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all"))
        .unique(["month"], keep="first", maintain_order=True)
        .sort("month")
    )
    if months.height == n_months:
        found.append(
            sum_evidence(months, f"the {n_months} published months of {label}", fact=False)
            if n_months > 1
            else Evidence(
                float(months["value"][0]),
                str(months["qualifier"][0]),
                f"{label} deliveries {fmt.fmt_q(months['value'][0], str(months['qualifier'][0]))}",
                (months["source_id"][0],),
            )
        )
    points = [e for e in found if e.value is not None and e.qualifier not in ("over", "under")]
    return (points or found or [None])[0]


def sum_evidence(rows: pl.DataFrame, what: str, *, fact: bool) -> Evidence:
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
        f"{what}: {parts} = {fmt.fmt_q(total, q)}",
        tuple(rows["source_id"].to_list()),
        precision=spread / abs(total) if total else 0.0,
    )


def ratio_evidence(num: Evidence, den: Evidence, *, scale: float = 1.0) -> Evidence:
    """``num / den`` with the ratio rule for qualifiers and the inputs' precisions added."""
    from ..metrics.qualifiers import qualifier_of_ratio

    if num.value is None or den.value is None or den.value <= 0:
        return Evidence(None, None, "", num.sources + den.sources)
    q = pl.DataFrame({"a": [num.qualifier], "b": [den.qualifier]}).select(qualifier_of_ratio("a", "b"))["qualifier"][0]
    return Evidence(
        num.value * scale / den.value if q else None,
        q,
        "",
        num.sources + den.sources,
        precision=num.width() + den.width(),
    )


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def mn_yuan(value: float) -> str:
    """Million yuan at the precision published (145,176 mn yuan; 2,940.89 mn yuan)."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{value:,.{decimals}f} mn yuan"


def share_of_hima(entity: str, start: dt.date, end: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        part = period_deliveries(entity, start, end, seed)
        whole = period_deliveries("HIMA", start, end, seed)
        label = fmt.fmt_period(start, end)
        if part is None or whole is None:
            missing = " and ".join(n for n, e in ((entity, part), ("HIMA", whole)) if e is None)
            return Evidence(
                None,
                None,
                f"no {label} deliveries for {missing} from sources other than the seed "
                "(no period total, and the months or quarters do not cover the period)",
            )
        share = ratio_evidence(part, whole)
        basis = f"{part.basis}; {whole.basis}; share " + (
            fmt.fmt_q(share.value, share.qualifier, kind="pct", decimals=1)
            if share.value is not None
            else "not bounded"
        )
        return Evidence(share.value, share.qualifier, basis, share.sources, precision=share.precision)

    return compute


def cumulative_figure(subject: str, metric: str, as_of: dt.date | None) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        f = facts_of(subject, metric, seed, on_or_before=as_of).sort("period_end", "value")
        if f.is_empty():
            when = f" up to {fmt.fmt_date(as_of)}" if as_of else ""
            return Evidence(None, None, f"no independent {metric.replace('_', ' ')} figure{when}")
        row = f.tail(1).row(0, named=True)
        when = f" (the latest up to the article's date, {fmt.fmt_date(as_of)})" if as_of else ""
        return Evidence(
            row["value"],
            str(row["qualifier"]),
            f"{fmt.fmt_q(row['value'], str(row['qualifier']))} as of {fmt.fmt_date(row['period_end'])}{when}: "
            f"\u201c{row['description']}\u201d",
            (row["source_id"],),
        )

    return compute


def single_fact(subject: str, metric: str) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        row = first_row(facts_of(subject, metric, seed))
        if row is None:
            return Evidence(
                None, None, f"no source other than the seed reports this figure ({vocabulary.label('metric', metric)})"
            )
        return Evidence(row["value"], str(row["qualifier"]), f"\u201c{row['description']}\u201d", (row["source_id"],))

    return compute


def financial_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        row = financial_figure(company, metric, period_type, start, seed)
        label = fmt.fmt_period(start, period_type=period_type)
        if row is None:
            return Evidence(None, None, f"no {label} {metric.replace('_', ' ')} for {company} from other sources")
        shown = mn_yuan(row["value"]) if str(row["unit"]) == "CNY_mn" else fmt.fmt_value(row["value"], str(row["unit"]))
        return Evidence(
            row["value"],
            str(row["qualifier"]),
            f"{name_of(company)} {label} {lower_first(vocabulary.label('metric', metric))}: "
            f"{fmt.fmt_bound(shown, str(row['qualifier']))}",
            (row["source_id"],),
        )

    return compute


def growth_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        base_start = start.replace(year=start.year - 1)
        cur, base = (
            financial_figure(company, metric, period_type, start, seed),
            financial_figure(company, metric, period_type, base_start, seed),
        )
        label, base_label = (
            fmt.fmt_period(start, period_type=period_type),
            fmt.fmt_period(base_start, period_type=period_type),
        )
        if cur is None or base is None:
            return Evidence(
                None,
                None,
                f"needs {metric.replace('_', ' ')} for {base_label} and {label} from other sources",
                tuple(r["source_id"] for r in (cur, base) if r),
            )
        ratio = ratio_evidence(
            Evidence(cur["value"], str(cur["qualifier"]), ""), Evidence(base["value"], str(base["qualifier"]), "")
        )
        value = ratio.value - 1 if ratio.value is not None else None
        precision = ratio.width() * ratio.value / abs(value) if value and ratio.value else 0.0
        return Evidence(
            value,
            ratio.qualifier,
            f"{mn_yuan(cur['value'])} in {label} against {mn_yuan(base['value'])} in {base_label}",
            (cur["source_id"], base["source_id"]),
            precision=precision,
        )

    return compute


def monthly_claim(entity: str, month: dt.date, label: str) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        row = monthly_figure(entity, month, seed)
        if row is None:
            return Evidence(
                None, None, f"no {label} {fmt.fmt_month(month)} deliveries from a source other than the seed"
            )
        return Evidence(
            float(row["value"]),
            str(row["qualifier"]),
            f"{label} {fmt.fmt_month(month)} deliveries: {fmt.fmt_q(row['value'], str(row['qualifier']))}",
            (row["source_id"],),
        )

    return compute


def fees_per_vehicle(seed: str) -> Evidence:
    fees = financial_figure("SERES", "payments_to_huawei", "H", D(2025, 1, 1), seed)
    cars = period_deliveries("AITO", D(2025, 1, 1), D(2025, 6, 30), seed)
    if fees is None or cars is None:
        return Evidence(
            None, None, "needs Seres's H1 2025 payments to Huawei and AITO's H1 2025 deliveries from other sources"
        )
    per = ratio_evidence(Evidence(fees["value"], str(fees["qualifier"]), ""), cars, scale=1e6)
    return Evidence(
        per.value,
        per.qualifier,
        f"{fmt.fmt_bound(mn_yuan(fees['value']), str(fees['qualifier']))} paid to Huawei, divided by the AITO "
        f"cars the fees are paid on ({cars.basis}) = "
        f"{fmt.fmt_q(per.value, per.qualifier) if per.value is not None else 'not bounded'} yuan per vehicle",
        (fees["source_id"], *cars.sources),
        precision=per.precision,
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
        total, "exact", "; ".join(p.basis for p in pieces if p) + note, tuple(s for p in pieces if p for s in p.sources)
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
        ev = sum_evidence(rows.with_columns(-pl.col("value")), f"losses FY{first_year}–FY{last_year}", fact=True)
        return ev

    return compute
