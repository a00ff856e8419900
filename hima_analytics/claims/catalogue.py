"""The claims of the five seed articles, and the table the claims check shows."""

from __future__ import annotations

import polars as pl

from ..display import formatting as fmt
from .evidence import (
    cumulative_figure,
    cumulative_losses,
    fees_per_vehicle,
    financial_claim,
    growth_claim,
    milestone_400k,
    monthly_claim,
    period_deliveries,
    share_of_hima,
    single_fact,
)
from .verdicts import Claim, D, Evidence, verdict

__all__ = ["check", "for_display"]

S0 = "000_5cff15dd5fc26663.txt"


S1 = "001_f682b74ac488fc7c.txt"


S2 = "002_827de603f12a3540.txt"


S3 = "003_cc6539eb8275fe72.txt"


S4 = "004_fcb2a64e1cd99d48.txt"


FY24 = (D(2024, 1, 1), D(2024, 12, 31))


H1_25 = (D(2025, 1, 1), D(2025, 6, 30))


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "aito-share-2024",
        S2,
        "AITO (Seres) held above 85% of HIMA sales in 2024",
        0.85,
        "fraction",
        "over",
        share_of_hima("AITO", *FY24),
    ),
    Claim(
        "aito-share-2025-11",
        S2,
        "By November 2025, AITO's share of HIMA had fallen to 63%",
        0.63,
        "fraction",
        "exact",
        share_of_hima("AITO", D(2025, 11, 1), D(2025, 11, 30)),
        tolerance=0.01,
    ),
    Claim(
        "aito-share-2025-06",
        S3,
        "About 85% of HIMA's 52,747 June (2025) sales were AITO models",
        0.85,
        "fraction",
        "about",
        share_of_hima("AITO", D(2025, 6, 1), D(2025, 6, 30)),
    ),
    Claim(
        "hima-june-2025",
        S3,
        "HIMA sold 52,747 vehicles in June 2025",
        52_747,
        "units",
        "exact",
        monthly_claim("HIMA", D(2025, 6, 1), "HIMA"),
    ),
    Claim(
        "hima-1m",
        S0,
        "HIMA has delivered over one million vehicles",
        1_000_000,
        "units",
        "over",
        cumulative_figure("HIMA", "cumulative_deliveries", D(2025, 12, 9)),
        as_of=D(2025, 12, 9),
    ),
    Claim(
        "hima-43-months", S0, "... in 43 months", 43, "months", "exact", single_fact("HIMA", "months_to_milestone_1m")
    ),
    Claim(
        "seres-revenue-2024",
        S2,
        "Seres 2024 revenue reached 145.176 billion yuan",
        145_176,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "revenue", "FY", D(2024, 1, 1)),
        tolerance=0.0005,
    ),
    Claim(
        "seres-revenue-growth-2024",
        S2,
        "Seres 2024 revenue up 305.04%",
        3.0504,
        "fraction",
        "exact",
        growth_claim("SERES", "revenue", "FY", D(2024, 1, 1)),
        tolerance=0.0005,
    ),
    Claim(
        "seres-profit-2024",
        S2,
        "Seres 2024 net profit attributable 5.946 billion yuan",
        5_946,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "net_profit_attributable", "FY", D(2024, 1, 1)),
        tolerance=0.0005,
    ),
    Claim(
        "seres-profit-growth-h1-2025",
        S2,
        "Seres H1 2025 net profit attributable rose 81.03%",
        0.8103,
        "fraction",
        "exact",
        growth_claim("SERES", "net_profit_attributable", "H", D(2025, 1, 1)),
        tolerance=0.001,
    ),
    Claim(
        "seres-gross-margin-h1-2025",
        S1,
        "Seres posted a 28.9% gross margin for H1 2025",
        0.289,
        "fraction",
        "exact",
        financial_claim("SERES", "gross_margin", "H", D(2025, 1, 1)),
        tolerance=0.002,
    ),
    Claim(
        "seres-loss-2023",
        S1,
        "Seres net loss of 2.45 billion yuan in 2023",
        -2_450,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "net_profit_attributable", "FY", D(2023, 1, 1)),
        tolerance=0.003,
    ),
    Claim(
        "seres-loss-2022",
        S1,
        "Seres net loss of 3.83 billion yuan in 2022",
        -3_830,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "net_profit_attributable", "FY", D(2022, 1, 1)),
        tolerance=0.003,
    ),
    Claim(
        "seres-q1-2024-profit",
        S4,
        "Seres swung to a net profit of 220 million yuan in Q1 2024",
        220,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "net_profit_attributable", "Q", D(2024, 1, 1)),
        tolerance=0.01,
    ),
    Claim(
        "aito-2024",
        S1,
        "AITO delivered more than 387,000 vehicles in 2024",
        387_000,
        "units",
        "over",
        lambda seed: period_deliveries("AITO", *FY24, seed) or Evidence(None, None, "no independent AITO 2024 total"),
    ),
    Claim(
        "aito-2024-share",
        S1,
        "AITO's 2024 deliveries were nearly 87% of HIMA's total",
        0.87,
        "fraction",
        "about",
        share_of_hima("AITO", *FY24),
    ),
    Claim(
        "aito-800k",
        S1,
        "AITO has sold more than 800,000 units over four years",
        800_000,
        "units",
        "over",
        cumulative_figure("AITO", "cumulative_deliveries", D(2025, 10, 2)),
        as_of=D(2025, 10, 2),
    ),
    Claim(
        "m9-may-2025",
        S2,
        "The AITO M9 delivered 15,481 in May (2025)",
        15_481,
        "units",
        "exact",
        monthly_claim("AITO_M9", D(2025, 5, 1), "AITO M9"),
    ),
    Claim(
        "stelato-june-2025",
        S2,
        "Stelato (S9) delivered 4,215 in June (2025)",
        4_215,
        "units",
        "exact",
        monthly_claim("STELATO_S9", D(2025, 6, 1), "Stelato S9"),
    ),
    Claim(
        "huawei-fees-h1-2025",
        S4,
        "Seres paid Huawei 20 billion yuan in H1 2025",
        20_000,
        "CNY_mn",
        "rounded",
        financial_claim("SERES", "payments_to_huawei", "H", D(2025, 1, 1)),
        tolerance=0.05,
    ),
    Claim(
        "huawei-fees-per-vehicle",
        S4,
        "About 140,000 yuan per vehicle went to Huawei (H1 2025)",
        140_000,
        "CNY",
        "about",
        fees_per_vehicle,
    ),
    Claim(
        "aito-400k-28-months",
        S4,
        "AITO achieved 400,000 deliveries in 28 months",
        400_000,
        "units",
        "exact",
        milestone_400k,
    ),
    Claim(
        "baic-losses",
        S2,
        "BAIC BluePark's cumulative losses since 2021 exceed 23 billion yuan",
        23_000,
        "CNY_mn",
        "over",
        cumulative_losses("BAIC_BLUEPARK", 2021, 2025),
    ),
    Claim(
        "aito-nps",
        S0,
        "AITO's H1 2025 Net Promoter Score was 74.8",
        74.8,
        "score",
        "exact",
        single_fact("AITO", "nps"),
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
