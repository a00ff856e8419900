"""Every quantitative claim in the seed articles, recomputed from the data.

Each :class:`Claim` states what a seed says, and a computation that returns its
:class:`Evidence` as data: our figure, its qualifier, the basis in words built from the
figures used, their sources, and (rarely) a verdict the evidence itself decides. The verdict
then follows from comparing two intervals, the claim's and ours:

- the claim's interval: "exact" allows the claim's own precision (``tolerance``), "about" and
  "rounded" at least 5 %, "over X" is above X, "under X" below X;
- our interval: an exact or implied figure is a point, a rounded one spans half a unit of its
  last digit (at most 5 %), "about" 5 %, and a bound is open on one side;
- ``confirmed`` when ours lies inside the claim's; ``contradicted`` when the two do not meet;
  ``consistent`` when they overlap without ours settling it (for example when we only have a
  lower bound); ``not verifiable`` when we have no figure.

Our figures come only from sources other than the claim's seed, use every relevant table
(monthly volumes, annual and quarterly facts, financials), and, where timing matters (a
cumulative total "to date"), only figures as of the claim's date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from . import vocabulary
from .display import formatting as fmt
from .display.names import name_of

__all__ = ["CLAIMS", "VERDICTS", "Claim", "Evidence", "check", "for_display", "verdict"]

D = dt.date
VERDICTS = ("confirmed", "consistent", "contradicted", "not verifiable")


@dataclass(frozen=True)
class Evidence:
    """What our data says about a claim."""

    value: float | None
    qualifier: str | None
    basis: str
    sources: tuple[str, ...] = ()
    decided: str | None = None  # a verdict the evidence settles by itself, with the basis saying why
    #: Relative half-width of a point figure (None: from its qualifier, for a published figure).
    precision: float | None = None

    def width(self) -> float:
        if self.precision is not None:
            return self.precision
        return _precision(self.value, self.qualifier)


@dataclass(frozen=True)
class Claim:
    id: str
    seed: str
    text: str
    claimed: float
    unit: str
    qualifier: str
    compute: Callable[[str], Evidence]
    tolerance: float = 0.005  # relative, for 'exact' claims (precision of the published figure)
    as_of: dt.date | None = field(default=None)


# -- intervals and the verdict ------------------------------------------------------------------


def _rounding(value: float) -> float:
    """Half a unit of the last non-zero digit, as a fraction of the value (at most 5 %)."""
    if value == 0:
        return 0.0
    v = abs(value)
    exp = 0
    while exp < 12 and round(v / 10 ** (exp + 1)) * 10 ** (exp + 1) == v:
        exp += 1
    return min(0.05, 0.5 * 10**exp / v)


def _precision(value: float | None, qualifier: str | None) -> float:
    """The relative precision of a published point figure."""
    if value is None:
        return 0.0
    return {"rounded": _rounding(value), "about": 0.05}.get(qualifier or "exact", 0.0)


def _interval(value: float, qualifier: str | None, width: float) -> tuple[float, float]:
    if qualifier == "over":
        return value, math.inf
    if qualifier == "under":
        return -math.inf, value
    half = width * abs(value)
    return value - half, value + half


def verdict(claim: Claim, evidence: Evidence) -> str:
    """The verdict for ``claim`` given ``evidence`` (see the module docstring).

    >>> c = Claim("x", "s", "over 85%", 0.85, "fraction", "over", lambda s: Evidence(None, None, ""))
    >>> verdict(c, Evidence(0.8745, "exact", "")), verdict(c, Evidence(0.80, "exact", ""))
    ('confirmed', 'contradicted')
    >>> verdict(c, Evidence(0.80, "over", "")), verdict(c, Evidence(None, None, ""))
    ('consistent', 'not verifiable')
    """
    if evidence.decided:
        return evidence.decided
    if evidence.value is None or not math.isfinite(evidence.value):
        return "not verifiable"
    claim_tol = {"exact": claim.tolerance, "rounded": max(claim.tolerance, _rounding(claim.claimed))}.get(
        claim.qualifier, max(claim.tolerance, 0.05)
    )
    c_lo, c_hi = _interval(claim.claimed, claim.qualifier, claim_tol)
    o_lo, o_hi = _interval(evidence.value, evidence.qualifier, evidence.width())
    if o_lo >= c_lo and o_hi <= c_hi:
        return "confirmed"
    if o_hi < c_lo or o_lo > c_hi:
        return "contradicted"
    return "consistent"


# -- data access ---------------------------------------------------------------------------------


def _seed_id(seed_file: str) -> str:
    return "seed-" + seed_file[:3]


def _independent(name: str, seed: str, **filters) -> pl.DataFrame:
    """Every value of dataset ``name`` from sources other than the claim's seed, the
    preferred one of each key first."""
    from .catalog import load

    frame = load(name, all_values=True, **filters).filter(~pl.col("source_id").str.starts_with(_seed_id(seed)))
    return frame.sort("preferred", descending=True)


def _one(frame: pl.DataFrame) -> dict | None:
    return frame.row(0, named=True) if frame.height else None


def _fin(company: str, metric: str, period_type: str, start: dt.date, seed: str) -> dict | None:
    f = _independent("financials", seed, entity=company, start=start, end=start).filter(
        (pl.col("metric") == metric) & (pl.col("period_type") == period_type) & (pl.col("perimeter") == "all")
    )
    return _one(f)


def _monthly(entity: str, month: dt.date, seed: str) -> dict | None:
    v = _independent("volumes", seed, entity=entity, start=month, end=month).filter(
        (pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")
    )
    return _one(v)


def _fact(
    subject: str,
    metric: str,
    seed: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    on_or_before: dt.date | None = None,
) -> pl.DataFrame:
    f = _independent("facts", seed, entity=subject).filter(pl.col("metric") == metric)
    if start is not None:
        f = f.filter(pl.col("period_start") == start)
    if end is not None:
        f = f.filter(pl.col("period_end") == end)
    if on_or_before is not None:
        f = f.filter(pl.col("period_end") <= on_or_before)
    return f


def _period_deliveries(entity: str, start: dt.date, end: dt.date, seed: str) -> Evidence | None:
    """An entity's deliveries over ``start..end`` from, in order: a published period total,
    the sum of published quarters, the sum of published months (sums only when they cover the
    period exactly). A point figure is preferred to a bound; among equals, the first."""
    label = f"{name_of(entity)} {fmt.fmt_period(start, end)}"
    n_months = (end.year - start.year) * 12 + end.month - start.month + 1
    found: list[Evidence] = []
    total = _one(_fact(entity, "deliveries", seed, start=start, end=end))
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
        _fact(entity, "deliveries", seed)
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
        found.append(_sum_evidence(quarters, f"the {label} quarters as published", fact=True))
    months = (
        _independent("volumes", seed, entity=entity, start=start, end=end)
        .filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all"))
        .unique(["month"], keep="first", maintain_order=True)
        .sort("month")
    )
    if months.height == n_months:
        found.append(
            _sum_evidence(months, f"the {n_months} published months of {label}", fact=False)
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


def _sum_evidence(rows: pl.DataFrame, what: str, *, fact: bool) -> Evidence:
    from .metrics.qualifiers import qualifier_of_sum

    q = rows.select(qualifier_of_sum("qualifier"))["qualifier"][0]
    parts = " + ".join(
        f"{fmt.fmt_period(r['period_start'], r['period_end']) if fact else fmt.fmt_month(r['month'])} "
        f"{fmt.fmt_q(r['value'], str(r['qualifier']))}"
        for r in rows.iter_rows(named=True)
    )
    total = float(rows["value"].sum())
    spread = sum(abs(r["value"]) * _precision(r["value"], str(r["qualifier"])) for r in rows.iter_rows(named=True))
    return Evidence(
        total if q else None,
        q,
        f"{what}: {parts} = {fmt.fmt_q(total, q)}",
        tuple(rows["source_id"].to_list()),
        precision=spread / abs(total) if total else 0.0,
    )


def _ratio(num: Evidence, den: Evidence, *, scale: float = 1.0) -> Evidence:
    """``num / den`` with the ratio rule for qualifiers and the inputs' precisions added."""
    from .metrics.qualifiers import qualifier_of_ratio

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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _mn(value: float) -> str:
    """Million yuan at the precision published (145,176 mn yuan; 2,940.89 mn yuan)."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{value:,.{decimals}f} mn yuan"


# -- computations (one per kind of claim) ----------------------------------------------------------


def _share_of_hima(entity: str, start: dt.date, end: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        part = _period_deliveries(entity, start, end, seed)
        whole = _period_deliveries("HIMA", start, end, seed)
        label = fmt.fmt_period(start, end)
        if part is None or whole is None:
            missing = " and ".join(n for n, e in ((entity, part), ("HIMA", whole)) if e is None)
            return Evidence(
                None,
                None,
                f"no {label} deliveries for {missing} from sources other than the seed "
                "(no period total, and the months or quarters do not cover the period)",
            )
        share = _ratio(part, whole)
        basis = f"{part.basis}; {whole.basis}; share " + (
            fmt.fmt_q(share.value, share.qualifier, kind="pct", decimals=1)
            if share.value is not None
            else "not bounded"
        )
        return Evidence(share.value, share.qualifier, basis, share.sources, precision=share.precision)

    return compute


def _cumulative(subject: str, metric: str, as_of: dt.date | None) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        f = _fact(subject, metric, seed, on_or_before=as_of).sort("period_end", "value")
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


def _single_fact(subject: str, metric: str) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        row = _one(_fact(subject, metric, seed))
        if row is None:
            return Evidence(
                None, None, f"no source other than the seed reports this figure ({vocabulary.label('metric', metric)})"
            )
        return Evidence(row["value"], str(row["qualifier"]), f"\u201c{row['description']}\u201d", (row["source_id"],))

    return compute


def _fin_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        row = _fin(company, metric, period_type, start, seed)
        label = fmt.fmt_period(start, period_type=period_type)
        if row is None:
            return Evidence(None, None, f"no {label} {metric.replace('_', ' ')} for {company} from other sources")
        shown = _mn(row["value"]) if str(row["unit"]) == "CNY_mn" else fmt.fmt_value(row["value"], str(row["unit"]))
        return Evidence(
            row["value"],
            str(row["qualifier"]),
            f"{name_of(company)} {label} {_lower_first(vocabulary.label('metric', metric))}: "
            f"{fmt.fmt_bound(shown, str(row['qualifier']))}",
            (row["source_id"],),
        )

    return compute


def _growth_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        base_start = start.replace(year=start.year - 1)
        cur, base = (
            _fin(company, metric, period_type, start, seed),
            _fin(company, metric, period_type, base_start, seed),
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
        ratio = _ratio(
            Evidence(cur["value"], str(cur["qualifier"]), ""), Evidence(base["value"], str(base["qualifier"]), "")
        )
        value = ratio.value - 1 if ratio.value is not None else None
        precision = ratio.width() * ratio.value / abs(value) if value and ratio.value else 0.0
        return Evidence(
            value,
            ratio.qualifier,
            f"{_mn(cur['value'])} in {label} against {_mn(base['value'])} in {base_label}",
            (cur["source_id"], base["source_id"]),
            precision=precision,
        )

    return compute


def _monthly_claim(entity: str, month: dt.date, label: str) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        row = _monthly(entity, month, seed)
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


def _fees_per_vehicle(seed: str) -> Evidence:
    fees = _fin("SERES", "payments_to_huawei", "H", D(2025, 1, 1), seed)
    cars = _period_deliveries("AITO", D(2025, 1, 1), D(2025, 6, 30), seed)
    if fees is None or cars is None:
        return Evidence(
            None, None, "needs Seres's H1 2025 payments to Huawei and AITO's H1 2025 deliveries from other sources"
        )
    per = _ratio(Evidence(fees["value"], str(fees["qualifier"]), ""), cars, scale=1e6)
    return Evidence(
        per.value,
        per.qualifier,
        f"{fmt.fmt_bound(_mn(fees['value']), str(fees['qualifier']))} paid to Huawei, divided by the AITO "
        f"cars the fees are paid on ({cars.basis}) = "
        f"{fmt.fmt_q(per.value, per.qualifier) if per.value is not None else 'not bounded'} yuan per vehicle",
        (fees["source_id"], *cars.sources),
        precision=per.precision,
    )


def _milestone_400k(seed: str) -> Evidence:
    """Cumulative AITO deliveries by the end of month 28 (AITO's first deliveries were in
    March 2022, so July 2024), from the period totals and months on record."""
    first = D(2022, 3, 1)
    month_28 = D(2024, 7, 31)
    pieces = [
        _period_deliveries("AITO", D(2022, 3, 1), D(2022, 12, 31), seed),
        _period_deliveries("AITO", D(2023, 1, 1), D(2023, 12, 31), seed),
        _period_deliveries("AITO", D(2024, 1, 1), month_28, seed),
    ]
    produced = _one(_fact("AITO", "cumulative_production", seed).filter(pl.col("value") == 400_000))
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


def _cumulative_losses(company: str, first_year: int, last_year: int) -> Callable[[str], Evidence]:
    def compute(seed: str) -> Evidence:
        years = list(range(first_year, last_year + 1))
        fin = (
            _independent("financials", seed, entity=company)
            .filter(
                (pl.col("metric") == "net_profit_attributable")
                & (pl.col("period_type") == "FY")
                & (pl.col("perimeter") == "all")
            )
            .unique(["period_start"], keep="first", maintain_order=True)
        )
        have = {r["period_start"].year: r for r in fin.iter_rows(named=True)}
        missing = [y for y in years if y not in have]
        totals = _fact(company, "cumulative_net_loss", seed)
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
        ev = _sum_evidence(rows.with_columns(-pl.col("value")), f"losses FY{first_year}–FY{last_year}", fact=True)
        return ev

    return compute


S0, S1, S2, S3, S4 = (
    "000_5cff15dd5fc26663.txt",
    "001_f682b74ac488fc7c.txt",
    "002_827de603f12a3540.txt",
    "003_cc6539eb8275fe72.txt",
    "004_fcb2a64e1cd99d48.txt",
)
FY24, H1_25 = (D(2024, 1, 1), D(2024, 12, 31)), (D(2025, 1, 1), D(2025, 6, 30))

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "aito-share-2024",
        S2,
        "AITO (Seres) held above 85% of HIMA sales in 2024",
        0.85,
        "fraction",
        "over",
        _share_of_hima("AITO", *FY24),
    ),
    Claim(
        "aito-share-2025-11",
        S2,
        "By November 2025, AITO's share of HIMA had fallen to 63%",
        0.63,
        "fraction",
        "exact",
        _share_of_hima("AITO", D(2025, 11, 1), D(2025, 11, 30)),
        tolerance=0.01,
    ),
    Claim(
        "aito-share-2025-06",
        S3,
        "About 85% of HIMA's 52,747 June (2025) sales were AITO models",
        0.85,
        "fraction",
        "about",
        _share_of_hima("AITO", D(2025, 6, 1), D(2025, 6, 30)),
    ),
    Claim(
        "hima-june-2025",
        S3,
        "HIMA sold 52,747 vehicles in June 2025",
        52_747,
        "units",
        "exact",
        _monthly_claim("HIMA", D(2025, 6, 1), "HIMA"),
    ),
    Claim(
        "hima-1m",
        S0,
        "HIMA has delivered over one million vehicles",
        1_000_000,
        "units",
        "over",
        _cumulative("HIMA", "cumulative_deliveries", D(2025, 12, 9)),
        as_of=D(2025, 12, 9),
    ),
    Claim(
        "hima-43-months", S0, "... in 43 months", 43, "months", "exact", _single_fact("HIMA", "months_to_milestone_1m")
    ),
    Claim(
        "seres-revenue-2024",
        S2,
        "Seres 2024 revenue reached 145.176 billion yuan",
        145_176,
        "CNY_mn",
        "exact",
        _fin_claim("SERES", "revenue", "FY", D(2024, 1, 1)),
        tolerance=0.0005,
    ),
    Claim(
        "seres-revenue-growth-2024",
        S2,
        "Seres 2024 revenue up 305.04%",
        3.0504,
        "fraction",
        "exact",
        _growth_claim("SERES", "revenue", "FY", D(2024, 1, 1)),
        tolerance=0.0005,
    ),
    Claim(
        "seres-profit-2024",
        S2,
        "Seres 2024 net profit attributable 5.946 billion yuan",
        5_946,
        "CNY_mn",
        "exact",
        _fin_claim("SERES", "net_profit_attributable", "FY", D(2024, 1, 1)),
        tolerance=0.0005,
    ),
    Claim(
        "seres-profit-growth-h1-2025",
        S2,
        "Seres H1 2025 net profit attributable rose 81.03%",
        0.8103,
        "fraction",
        "exact",
        _growth_claim("SERES", "net_profit_attributable", "H", D(2025, 1, 1)),
        tolerance=0.001,
    ),
    Claim(
        "seres-gross-margin-h1-2025",
        S1,
        "Seres posted a 28.9% gross margin for H1 2025",
        0.289,
        "fraction",
        "exact",
        _fin_claim("SERES", "gross_margin", "H", D(2025, 1, 1)),
        tolerance=0.002,
    ),
    Claim(
        "seres-loss-2023",
        S1,
        "Seres net loss of 2.45 billion yuan in 2023",
        -2_450,
        "CNY_mn",
        "exact",
        _fin_claim("SERES", "net_profit_attributable", "FY", D(2023, 1, 1)),
        tolerance=0.003,
    ),
    Claim(
        "seres-loss-2022",
        S1,
        "Seres net loss of 3.83 billion yuan in 2022",
        -3_830,
        "CNY_mn",
        "exact",
        _fin_claim("SERES", "net_profit_attributable", "FY", D(2022, 1, 1)),
        tolerance=0.003,
    ),
    Claim(
        "seres-q1-2024-profit",
        S4,
        "Seres swung to a net profit of 220 million yuan in Q1 2024",
        220,
        "CNY_mn",
        "exact",
        _fin_claim("SERES", "net_profit_attributable", "Q", D(2024, 1, 1)),
        tolerance=0.01,
    ),
    Claim(
        "aito-2024",
        S1,
        "AITO delivered more than 387,000 vehicles in 2024",
        387_000,
        "units",
        "over",
        lambda seed: _period_deliveries("AITO", *FY24, seed) or Evidence(None, None, "no independent AITO 2024 total"),
    ),
    Claim(
        "aito-2024-share",
        S1,
        "AITO's 2024 deliveries were nearly 87% of HIMA's total",
        0.87,
        "fraction",
        "about",
        _share_of_hima("AITO", *FY24),
    ),
    Claim(
        "aito-800k",
        S1,
        "AITO has sold more than 800,000 units over four years",
        800_000,
        "units",
        "over",
        _cumulative("AITO", "cumulative_deliveries", D(2025, 10, 2)),
        as_of=D(2025, 10, 2),
    ),
    Claim(
        "m9-may-2025",
        S2,
        "The AITO M9 delivered 15,481 in May (2025)",
        15_481,
        "units",
        "exact",
        _monthly_claim("AITO_M9", D(2025, 5, 1), "AITO M9"),
    ),
    Claim(
        "stelato-june-2025",
        S2,
        "Stelato (S9) delivered 4,215 in June (2025)",
        4_215,
        "units",
        "exact",
        _monthly_claim("STELATO_S9", D(2025, 6, 1), "Stelato S9"),
    ),
    Claim(
        "huawei-fees-h1-2025",
        S4,
        "Seres paid Huawei 20 billion yuan in H1 2025",
        20_000,
        "CNY_mn",
        "rounded",
        _fin_claim("SERES", "payments_to_huawei", "H", D(2025, 1, 1)),
        tolerance=0.05,
    ),
    Claim(
        "huawei-fees-per-vehicle",
        S4,
        "About 140,000 yuan per vehicle went to Huawei (H1 2025)",
        140_000,
        "CNY",
        "about",
        _fees_per_vehicle,
    ),
    Claim(
        "aito-400k-28-months",
        S4,
        "AITO achieved 400,000 deliveries in 28 months",
        400_000,
        "units",
        "exact",
        _milestone_400k,
    ),
    Claim(
        "baic-losses",
        S2,
        "BAIC BluePark's cumulative losses since 2021 exceed 23 billion yuan",
        23_000,
        "CNY_mn",
        "over",
        _cumulative_losses("BAIC_BLUEPARK", 2021, 2025),
    ),
    Claim(
        "aito-nps",
        S0,
        "AITO's H1 2025 Net Promoter Score was 74.8",
        74.8,
        "score",
        "exact",
        _single_fact("AITO", "nps"),
    ),
)


def check(claims: tuple[Claim, ...] = CLAIMS) -> pl.DataFrame:
    """One row per claim: seed, claim, claimed figure and wording, our figure and its
    qualifier, unit, basis, verdict and sources."""
    rows = []
    for c in claims:
        ev = c.compute(c.seed)
        rows.append(
            {
                "claim": c.id,
                "seed": c.seed,
                "text": c.text,
                "claimed": float(c.claimed),
                "claimed_qualifier": c.qualifier,
                "ours": ev.value,
                "ours_qualifier": ev.qualifier,
                "unit": c.unit,
                "basis": ev.basis,
                "verdict": verdict(c, ev),
                "source_id": ";".join(dict.fromkeys(s for s in ev.sources if s)) or None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "claim": pl.String,
            "seed": pl.String,
            "text": pl.String,
            "claimed": pl.Float64,
            "claimed_qualifier": pl.String,
            "ours": pl.Float64,
            "ours_qualifier": pl.String,
            "unit": pl.String,
            "basis": pl.String,
            "verdict": pl.String,
            "source_id": pl.String,
        },
    )


def _decimals_like(claimed: float, unit: str) -> int:
    """Decimals that show a figure at the claim's precision (a claimed 81.03% tests hundredths)."""
    scaled = claimed * 100 if unit == "fraction" else claimed
    text = f"{abs(scaled):.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def _shown(value: float | None, qualifier: str | None, unit: str, decimals: int) -> str:
    if value is None:
        return "—"
    if unit == "fraction":
        return fmt.fmt_q(value, qualifier, kind="pct", decimals=max(decimals, 1))
    if unit in ("CNY_mn",):
        return fmt.fmt_bound(f"{value:,.{decimals}f} mn yuan", qualifier)
    if unit == "CNY":
        return fmt.fmt_bound(f"{value:,.0f} yuan", qualifier)
    if unit in ("months", "days"):
        return fmt.fmt_bound(f"{value:,.{decimals}f} {unit}", qualifier)
    return fmt.fmt_q(value, qualifier, kind="decimal" if decimals else "int", decimals=decimals)


def for_display(results: pl.DataFrame) -> pl.DataFrame:
    """The :func:`check` table for the page: claimed and our figures as text at the precision
    the claim is tested at, with their wording marks."""
    decimals = [_decimals_like(v, u) for v, u in zip(results["claimed"], results["unit"])]
    claimed = [
        _shown(v, q, u, d)
        for v, q, u, d in zip(results["claimed"], results["claimed_qualifier"], results["unit"], decimals)
    ]
    ours = [
        _shown(v, q, u, d + (1 if u == "fraction" else 0))
        for v, q, u, d in zip(results["ours"], results["ours_qualifier"], results["unit"], decimals)
    ]
    return results.select(
        "seed",
        "text",
        pl.Series("claimed_text", claimed, dtype=pl.String),
        pl.Series("ours_text", ours, dtype=pl.String),
        "verdict",
        "basis",
    )
