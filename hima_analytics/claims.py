"""Every quantitative claim in the seed articles, recomputed from the data.

Each :class:`Claim` states what a seed says and how to recompute it. :func:`check` returns one
row per claim with the claimed figure, ours, the basis of ours and a verdict:

- ``confirmed``: our figure agrees within the claim's own precision (qualifier-aware: "over X"
  is confirmed by any figure >= X);
- ``contradicted``: it does not;
- ``not verifiable``: our data has no figure for it from any source other than the claim's own
  seed (a seed cannot confirm itself).

Our figures come only from sources other than the claim's seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

D = dt.date
Ours = tuple[float | None, str, list[str]]


@dataclass(frozen=True)
class Claim:
    id: str
    seed: str
    text: str
    claimed: float
    unit: str
    qualifier: str
    compute: Callable[[str], Ours]
    tolerance: float = 0.005  # relative, for 'exact' claims (precision of the published figure)


def _independent(name: str, seed_source: str, **filters) -> pl.DataFrame:
    from .catalog import load

    return load(name, all_values=True, **filters).filter(~pl.col("source_id").str.starts_with(seed_source))


def _seed_id(seed_file: str) -> str:
    return "seed-" + seed_file[:3]


def _fin(company: str, metric: str, period_type: str, start: dt.date, seed: str) -> tuple[float | None, list[str]]:
    f = _independent("financials", _seed_id(seed), entity=company, start=start, end=start).filter(
        (pl.col("metric") == metric) & (pl.col("period_type") == period_type))
    if f.is_empty():
        return None, []
    row = f.sort(["preferred", "qualifier"], descending=[True, False]).row(0, named=True)
    return row["value"], [row["source_id"]]


def _monthly(entity: str, month: dt.date, seed: str) -> tuple[float | None, list[str]]:
    v = _independent("volumes", _seed_id(seed), entity=entity, start=month, end=month).filter(
        pl.col("measure") == "deliveries")
    if v.is_empty():
        return None, []
    row = v.sort("preferred", descending=True).row(0, named=True)
    return float(row["value"]), [row["source_id"]]


def _fact(subject: str, metric: str, seed: str, on_or_before: dt.date | None = None) -> pl.DataFrame:
    f = _independent("facts", _seed_id(seed), entity=subject).filter(pl.col("metric") == metric)
    if on_or_before:
        f = f.filter(pl.col("period_end") <= on_or_before)
    return f.sort("period_end")


# -- computations (one per claim) ----------------------------------------------------------------

def _aito_share_2024(seed: str) -> Ours:
    a = _independent("volumes", _seed_id(seed), entity="AITO", start="2024-01", end="2024-12")
    h = _independent("volumes", _seed_id(seed), entity="HIMA", start="2024-01", end="2024-12")
    pairs = a.filter(pl.col("preferred")).join(h.filter(pl.col("preferred")), on=["month", "measure"], suffix="_h")
    if pairs.is_empty():
        return None, "no 2024 month has both an AITO and a HIMA figure from other sources", []
    share = pairs["value"].sum() / pairs["value_h"].sum()
    months = ", ".join(d.strftime("%Y-%m") for d in pairs["month"])
    return share, f"AITO ÷ HIMA deliveries pooled over the months with both figures ({months})", \
        pairs["source_id"].to_list() + pairs["source_id_h"].to_list()


def _aito_share_month(month: dt.date) -> Callable[[str], Ours]:
    def compute(seed: str) -> Ours:
        a, sa = _monthly("AITO", month, seed)
        h, sh = _monthly("HIMA", month, seed)
        if a is None or h is None:
            missing = " and ".join(n for n, v in (("AITO", a), ("HIMA", h)) if v is None)
            return None, f"no {missing} figure for {month:%Y-%m} from other sources", sa + sh
        return a / h, f"AITO {a:,.0f} ÷ HIMA {h:,.0f} deliveries in {month:%Y-%m}", sa + sh
    return compute


def _hima_million(seed: str) -> Ours:
    f = _fact("HIMA", "cumulative_deliveries", seed)
    if f.is_empty():
        return None, "no independent cumulative figure", []
    row = f.sort("value").tail(1).row(0, named=True)
    return row["value"], f"independent report: {row['description']} (as of {row['period_end']})", [row["source_id"]]


def _hima_43_months(seed: str) -> Ours:
    f = _fact("HIMA", "months_to_milestone_1m", seed)
    if f.is_empty():
        return None, "no independent figure", []
    row = f.row(0, named=True)
    return row["value"], f"independent report: {row['description']}", [row["source_id"]]


def _fin_claim(company: str, metric: str, period_type: str, start: dt.date, scale: float = 1.0) -> Callable[[str], Ours]:
    def compute(seed: str) -> Ours:
        v, src = _fin(company, metric, period_type, start, seed)
        if v is None:
            return None, f"no {metric} for {company} {period_type} {start:%Y} from other sources", []
        return v * scale, f"{company} {metric} {period_type} starting {start}", src
    return compute


def _growth_claim(company: str, metric: str, period_type: str, start: dt.date) -> Callable[[str], Ours]:
    def compute(seed: str) -> Ours:
        base_start = start.replace(year=start.year - 1)
        cur, s1 = _fin(company, metric, period_type, start, seed)
        base, s2 = _fin(company, metric, period_type, base_start, seed)
        if cur is None or base is None or base <= 0:
            return None, f"needs {metric} for {period_type} {base_start:%Y} and {start:%Y} from other sources", s1 + s2
        return cur / base - 1, f"{cur:,.2f} ÷ {base:,.2f} − 1 ({metric}, {period_type} {start:%Y} vs {base_start:%Y})", s1 + s2
    return compute


def _aito_2024(seed: str) -> Ours:
    f = _fact("AITO", "deliveries", seed).filter(
        (pl.col("period_start") == D(2024, 1, 1)) & (pl.col("period_end") == D(2024, 12, 31)))
    if f.is_empty():
        return None, "no independent AITO 2024 total", []
    row = f.row(0, named=True)
    return row["value"], f"independent report: {row['description']} ({row['note'] or ''})".strip(), [row["source_id"]]


def _aito_800k(seed: str) -> Ours:
    f = _fact("AITO", "cumulative_deliveries", seed, on_or_before=D(2025, 12, 31))
    if f.is_empty():
        return None, "no independent cumulative figure", []
    row = f.tail(1).row(0, named=True)
    return row["value"], f"independent report: {row['description']} (as of {row['period_end']})", [row["source_id"]]


def _fees_per_vehicle(seed: str) -> Ours:
    fees, s1 = _fin("SERES", "payments_to_huawei", "H", D(2025, 1, 1), seed)
    units, s2 = _fin("SERES", "vehicle_sales", "H", D(2025, 1, 1), seed)
    if fees is None or units is None:
        return None, "needs Seres H1 2025 payments to Huawei and vehicle sales from other sources", s1 + s2
    return fees * 1e6 / units, (f"{fees:,.0f} mn yuan ÷ {units:,.0f} Seres NEVs sold in H1 2025; over AITO "
                                "deliveries alone (a smaller perimeter) the figure would be higher"), s1 + s2


def _milestone_400k(seed: str) -> Ours:
    f = _fact("AITO", "cumulative_production", seed).filter(pl.col("value") == 400_000)
    if f.is_empty():
        return None, "no independent record of the 400,000 milestone", []
    row = f.row(0, named=True)
    return None, (f"our sources record the 400,000th AITO as produced (off the line) on {row['period_end']}, "
                  "not delivered: the claim counts a production milestone as deliveries"), [row["source_id"]]


def _monthly_claim(entity: str, month: dt.date, label: str) -> Callable[[str], Ours]:
    def compute(seed: str) -> Ours:
        v, src = _monthly(entity, month, seed)
        if v is None:
            return None, f"no {label} {month:%B %Y} figure from a source other than the seed", []
        return v, f"{label} {month:%B %Y} deliveries from other sources", src
    return compute


def _none(why: str) -> Callable[[str], Ours]:
    return lambda seed: (None, why, [])


S0, S1, S2, S3, S4 = ("000_5cff15dd5fc26663.txt", "001_f682b74ac488fc7c.txt", "002_827de603f12a3540.txt",
                      "003_cc6539eb8275fe72.txt", "004_fcb2a64e1cd99d48.txt")

CLAIMS: tuple[Claim, ...] = (
    Claim("aito-share-2024", S2, "AITO (Seres) held above 85% of HIMA sales in 2024", 0.85, "fraction", "over", _aito_share_2024),
    Claim("aito-share-2025-11", S2, "By November 2025, AITO's share of HIMA had fallen to 63%", 0.63, "fraction", "exact",
          _aito_share_month(D(2025, 11, 1)), tolerance=0.01),
    Claim("aito-share-2025-06", S3, "About 85% of HIMA's 52,747 June (2025) sales were AITO models", 0.85, "fraction", "about",
          _aito_share_month(D(2025, 6, 1))),
    Claim("hima-june-2025", S3, "HIMA sold 52,747 vehicles in June 2025", 52_747, "units", "exact",
          _monthly_claim("HIMA", D(2025, 6, 1), "HIMA")),
    Claim("hima-1m", S0, "HIMA has delivered over one million vehicles", 1_000_000, "units", "over", _hima_million),
    Claim("hima-43-months", S0, "... in 43 months", 43, "months", "exact", _hima_43_months),
    Claim("seres-revenue-2024", S2, "Seres 2024 revenue reached 145.176 billion yuan", 145_176, "CNY_mn", "exact",
          _fin_claim("SERES", "revenue", "FY", D(2024, 1, 1)), tolerance=0.0005),
    Claim("seres-revenue-growth-2024", S2, "Seres 2024 revenue up 305.04%", 3.0504, "fraction", "exact",
          _growth_claim("SERES", "revenue", "FY", D(2024, 1, 1)), tolerance=0.0005),
    Claim("seres-profit-2024", S2, "Seres 2024 net profit attributable 5.946 billion yuan", 5_946, "CNY_mn", "exact",
          _fin_claim("SERES", "net_profit_attributable", "FY", D(2024, 1, 1)), tolerance=0.0005),
    Claim("seres-profit-growth-h1-2025", S2, "Seres H1 2025 net profit attributable rose 81.03%", 0.8103, "fraction", "exact",
          _growth_claim("SERES", "net_profit_attributable", "H", D(2025, 1, 1)), tolerance=0.001),
    Claim("seres-gross-margin-h1-2025", S1, "Seres posted a 28.9% gross margin for H1 2025", 0.289, "fraction", "exact",
          _fin_claim("SERES", "gross_margin", "H", D(2025, 1, 1)), tolerance=0.002),
    Claim("seres-loss-2023", S1, "Seres net loss of 2.45 billion yuan in 2023", -2_450, "CNY_mn", "exact",
          _fin_claim("SERES", "net_profit_attributable", "FY", D(2023, 1, 1)), tolerance=0.003),
    Claim("seres-loss-2022", S1, "Seres net loss of 3.83 billion yuan in 2022", -3_830, "CNY_mn", "exact",
          _fin_claim("SERES", "net_profit_attributable", "FY", D(2022, 1, 1)), tolerance=0.003),
    Claim("seres-q1-2024-profit", S4, "Seres swung to a net profit of 220 million yuan in Q1 2024", 220, "CNY_mn", "exact",
          _fin_claim("SERES", "net_profit_attributable", "Q", D(2024, 1, 1)), tolerance=0.01),
    Claim("aito-2024", S1, "AITO delivered more than 387,000 vehicles in 2024", 387_000, "units", "over", _aito_2024),
    Claim("aito-2024-share", S1, "AITO's 2024 deliveries were nearly 87% of HIMA's total", 0.87, "fraction", "about",
          _none("no dated HIMA 2024 annual total in our data")),
    Claim("aito-800k", S1, "AITO has sold more than 800,000 units over four years", 800_000, "units", "over", _aito_800k),
    Claim("m9-may-2025", S2, "The AITO M9 delivered 15,481 in May (2025)", 15_481, "units", "exact",
          _monthly_claim("AITO_M9", D(2025, 5, 1), "AITO M9")),
    Claim("stelato-june-2025", S2, "Stelato (S9) delivered 4,215 in June (2025)", 4_215, "units", "exact",
          _monthly_claim("STELATO_S9", D(2025, 6, 1), "Stelato S9")),
    Claim("huawei-fees-h1-2025", S4, "Seres paid Huawei 20 billion yuan in H1 2025", 20_000, "CNY_mn", "rounded",
          _fin_claim("SERES", "payments_to_huawei", "H", D(2025, 1, 1)), tolerance=0.05),
    Claim("huawei-fees-per-vehicle", S4, "About 140,000 yuan per vehicle went to Huawei (H1 2025)", 140_000, "CNY", "about",
          _fees_per_vehicle),
    Claim("aito-400k-28-months", S4, "AITO achieved 400,000 deliveries in 28 months", 400_000, "units", "exact", _milestone_400k),
    Claim("baic-losses", S2, "BAIC BluePark's cumulative losses since 2021 exceed 23 billion yuan", 23_000, "CNY_mn", "over",
          _none("our BAIC BluePark figures lack FY2022 and the published cumulative totals start in 2020")),
    Claim("aito-nps", S0, "AITO's H1 2025 Net Promoter Score was 74.8", 74.8, "score", "exact", _none("no other source for the NPS survey")),
)


def _verdict(claim: Claim, ours: float | None) -> str:
    if ours is None:
        return "not verifiable"
    c = claim.claimed
    if claim.qualifier == "over":
        ok = ours >= c
    elif claim.qualifier == "under":
        ok = ours <= c
    else:
        tol = claim.tolerance if claim.qualifier == "exact" else max(claim.tolerance, 0.05)
        ok = abs(ours - c) <= tol * abs(c)
    return "confirmed" if ok else "contradicted"


def check(claims: tuple[Claim, ...] = CLAIMS) -> pl.DataFrame:
    """One row per claim: seed, claim, claimed and our figure, unit, basis, verdict, sources."""
    rows = []
    for c in claims:
        ours, basis, sources = c.compute(c.seed)
        verdict = _verdict(c, ours)
        if ours is None and sources:
            verdict = "contradicted" if "not delivered" in basis else verdict
        rows.append({"claim": c.id, "seed": c.seed, "text": c.text, "claimed": float(c.claimed),
                     "qualifier": c.qualifier, "ours": ours, "unit": c.unit, "basis": basis, "verdict": verdict,
                     "source_id": ";".join(dict.fromkeys(sources)) or None})
    return pl.DataFrame(rows, schema={"claim": pl.String, "seed": pl.String, "text": pl.String, "claimed": pl.Float64,
                                      "qualifier": pl.String, "ours": pl.Float64, "unit": pl.String, "basis": pl.String,
                                      "verdict": pl.String, "source_id": pl.String})


def for_display(results: pl.DataFrame) -> pl.DataFrame:
    """The :func:`check` table with the claimed and our figures formatted in their units."""
    from .notebook import fmt_value

    claimed = [fmt_value(v, u) for v, u in zip(results["claimed"], results["unit"])]
    ours = [fmt_value(v, u) for v, u in zip(results["ours"], results["unit"])]
    return results.select("seed", "text", pl.Series("claimed", claimed, dtype=pl.String), "qualifier",
                          pl.Series("ours", ours, dtype=pl.String), "verdict", "basis")
