"""The claims of the five seed articles, and the table the claims check shows."""

from __future__ import annotations

import polars as pl

from ..display import formatting as fmt
from ..display.text import Text, text
from . import verdicts as _rules
from .evidence import (
    article_label,
    cumulative_figure,
    cumulative_losses,
    fees_per_vehicle,
    financial_claim,
    growth_claim,
    milestone_400k,
    monthly_claim,
    period_deliveries,
    seed_sources,
    share_of_hima,
    single_fact,
)
from .verdicts import Claim, D, Evidence, assess

__all__ = ["articles", "check", "disputed_claims", "for_display", "rules_text", "shown_figures", "web_sources"]

S0 = "000_5cff15dd5fc26663.txt"


S1 = "001_f682b74ac488fc7c.txt"


S2 = "002_827de603f12a3540.txt"


S3 = "003_cc6539eb8275fe72.txt"


S4 = "004_fcb2a64e1cd99d48.txt"


FY24 = (D(2024, 1, 1), D(2024, 12, 31))


H1_25 = (D(2025, 1, 1), D(2025, 6, 30))


#: The date seed 000 speaks of (its one-million milestone story): its "to date" claims are
#: checked only against figures published by then.
S0_SPEAKS_OF = D(2025, 12, 9)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "aito-share-2024",
        S2,
        "AITO (Seres) held above 85% of HIMA sales in 2024",
        0.85,
        "fraction",
        "over",
        share_of_hima("AITO", *FY24),
        says="sales",
    ),
    Claim(
        "aito-share-2025-11",
        S2,
        "By November 2025, AITO's share of HIMA had fallen to 63%",
        0.63,
        "fraction",
        "exact",
        share_of_hima("AITO", D(2025, 11, 1), D(2025, 11, 30)),
    ),
    Claim(
        "aito-share-2025-06",
        S3,
        "About 85% of HIMA's 52,747 June (2025) sales were AITO models",
        0.85,
        "fraction",
        "about",
        share_of_hima("AITO", D(2025, 6, 1), D(2025, 6, 30)),
        says="sales",
    ),
    Claim(
        "hima-june-2025",
        S3,
        "HIMA sold 52,747 vehicles in June 2025",
        52_747,
        "units",
        "exact",
        monthly_claim("HIMA", D(2025, 6, 1), "HIMA"),
        measure="deliveries",
        says="sales",
    ),
    Claim(
        "hima-1m",
        S0,
        "HIMA has delivered over one million vehicles",
        1_000_000,
        "units",
        "over",
        cumulative_figure("HIMA", "cumulative_deliveries", S0_SPEAKS_OF),
        as_of=S0_SPEAKS_OF,
    ),
    Claim(
        "hima-43-months",
        S0,
        "... in 43 months",
        43,
        "months",
        "exact",
        single_fact("HIMA", "months_to_milestone_1m", S0_SPEAKS_OF),
        as_of=S0_SPEAKS_OF,
    ),
    Claim(
        "seres-revenue-2024",
        S2,
        "Seres 2024 revenue reached 145.176 billion yuan",
        145_176,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "revenue", "FY", D(2024, 1, 1)),
    ),
    Claim(
        "seres-revenue-growth-2024",
        S2,
        "Seres 2024 revenue up 305.04%",
        3.0504,
        "fraction",
        "exact",
        growth_claim("SERES", "revenue", "FY", D(2024, 1, 1)),
    ),
    Claim(
        "seres-profit-2024",
        S2,
        "Seres 2024 net profit attributable 5.946 billion yuan",
        5_946,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "net_profit_attributable", "FY", D(2024, 1, 1)),
    ),
    Claim(
        "seres-profit-growth-h1-2025",
        S2,
        "Seres H1 2025 net profit attributable rose 81.03%",
        0.8103,
        "fraction",
        "exact",
        growth_claim("SERES", "net_profit_attributable", "H", D(2025, 1, 1)),
    ),
    Claim(
        "seres-gross-margin-h1-2025",
        S1,
        "Seres posted a 28.9% gross margin for H1 2025",
        0.289,
        "fraction",
        "exact",
        financial_claim("SERES", "gross_margin", "H", D(2025, 1, 1)),
    ),
    Claim(
        "seres-loss-2023",
        S1,
        "Seres net loss of 2.45 billion yuan in 2023",
        -2_450,
        "CNY_mn",
        "exact",
        # "net loss" says neither attributable nor total: both figures are weighed
        financial_claim("SERES", "net_profit_attributable", "FY", D(2023, 1, 1), readings=("net_profit",)),
    ),
    Claim(
        "seres-loss-2022",
        S1,
        "Seres net loss of 3.83 billion yuan in 2022",
        -3_830,
        "CNY_mn",
        "exact",
        # "net loss" says neither attributable nor total: both figures are weighed
        financial_claim("SERES", "net_profit_attributable", "FY", D(2022, 1, 1), readings=("net_profit",)),
    ),
    Claim(
        "seres-q1-2024-profit",
        S4,
        "Seres swung to a net profit of 220 million yuan in Q1 2024",
        220,
        "CNY_mn",
        "exact",
        financial_claim("SERES", "net_profit_attributable", "Q", D(2024, 1, 1)),
    ),
    Claim(
        "aito-2024",
        S1,
        "AITO delivered more than 387,000 vehicles in 2024",
        387_000,
        "units",
        "over",
        lambda seed: period_deliveries("AITO", *FY24, seed) or Evidence(None, None, "no independent AITO 2024 total"),
        measure="deliveries",
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
        says="sales",
    ),
    Claim(
        "m9-may-2025",
        S2,
        "The AITO M9 delivered 15,481 in May (2025)",
        15_481,
        "units",
        "exact",
        monthly_claim("AITO_M9", D(2025, 5, 1), "AITO M9"),
        measure="deliveries",
    ),
    Claim(
        "stelato-june-2025",
        S2,
        "Stelato (S9) delivered 4,215 in June (2025)",
        4_215,
        "units",
        "exact",
        monthly_claim("STELATO_S9", D(2025, 6, 1), "Stelato S9"),
        measure="deliveries",
    ),
    Claim(
        "huawei-fees-h1-2025",
        S4,
        "Seres paid Huawei 20 billion yuan in H1 2025",
        20_000,
        "CNY_mn",
        "rounded",
        financial_claim("SERES", "payments_to_huawei", "H", D(2025, 1, 1)),
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
        measure="deliveries",
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


_SCHEMA = {
    "claim": pl.String,
    "seed": pl.String,
    "article": pl.String,
    "text": pl.String,
    "claimed": pl.Float64,
    "claimed_qualifier": pl.String,
    "ours": pl.Float64,
    "ours_qualifier": pl.String,
    "unit": pl.String,
    "basis": pl.String,
    "verdict": pl.String,
    "source_id": pl.String,
}


def check(claims: tuple[Claim, ...] = CLAIMS) -> pl.DataFrame:
    """One row per claim: seed and its article in words, claim, claimed figure and wording, our
    figure and its qualifier, unit, basis, verdict and the sources of every figure the basis
    names (the article's own figure is named but is not a source of ours)."""
    rows = []
    for c in claims:
        a = assess(c, c.compute(c.seed))
        ev = a.evidence
        sources = [*ev.sources, *(s for o in (*ev.others, *ev.readings) for s in o.sources)]
        rows.append(
            {
                "claim": c.id,
                "seed": c.seed,
                "article": article_label(c.seed),
                "text": c.text,
                "claimed": float(c.claimed),
                "claimed_qualifier": c.qualifier,
                "ours": ev.value,
                "ours_qualifier": ev.qualifier,
                "unit": c.unit,
                "basis": a.basis,
                "verdict": a.verdict,
                "source_id": ";".join(dict.fromkeys(s for s in sources if s)) or None,
            }
        )
    return pl.DataFrame(rows, schema=_SCHEMA)


def _decimals_like(claimed: float, unit: str) -> int:
    """Decimals that show a figure at the claim's precision (a claimed 81.03% tests hundredths).

    >>> _decimals_like(3.0504, "fraction"), _decimals_like(0.63, "fraction"), _decimals_like(52_747, "units")
    (2, 0, 0)
    """
    scaled = claimed * 100 if unit == "fraction" else claimed
    digits = f"{abs(scaled):.6f}".rstrip("0").rstrip(".")
    return len(digits.split(".")[1]) if "." in digits else 0


def _shown(value: float | None, qualifier: str | None, unit: str, decimals: int) -> str:
    if value is None:
        return "—"
    if unit == "fraction":
        return fmt.fmt_q(value, qualifier, kind="pct", decimals=decimals)
    if unit in ("CNY_mn",):
        return fmt.fmt_bound(f"{value:,.{decimals}f} mn yuan", qualifier)
    if unit == "CNY":
        return fmt.fmt_bound(f"{value:,.0f} yuan", qualifier)
    if unit in ("months", "days"):
        return fmt.fmt_bound(f"{value:,.{decimals}f} {unit}", qualifier)
    return fmt.fmt_q(value, qualifier, kind="decimal" if decimals else "int", decimals=decimals)


def shown_figures(claimed: float, claimed_qualifier: str, ours: float | None, ours_qualifier: str | None, unit: str):
    """The claimed figure as published, and ours at the same precision (a percentage with at
    least one decimal, so a share never reads as a whole number it was not rounded to).

    >>> shown_figures(3.0504, "exact", 3.050443613637632, "exact", "fraction")
    ('305.04%', '305.04%')
    >>> shown_figures(0.63, "exact", 0.6312542753835629, "exact", "fraction")
    ('63%', '63.1%')
    >>> shown_figures(52_747, "exact", 52_700, "rounded", "units")
    ('52,747', '≈ 52,700')
    """
    decimals = _decimals_like(claimed, unit)
    ours_decimals = max(decimals, 1) if unit == "fraction" else decimals
    return _shown(claimed, claimed_qualifier, unit, decimals), _shown(ours, ours_qualifier, unit, ours_decimals)


def for_display(results: pl.DataFrame) -> pl.DataFrame:
    """The :func:`check` table for the page: the article in words, the claim, claimed and our
    figures as text at the precision the claim is tested at, the verdict and its basis. No ids."""
    pairs = [
        shown_figures(c, cq, o, oq, u)
        for c, cq, o, oq, u in zip(
            results["claimed"],
            results["claimed_qualifier"],
            results["ours"],
            results["ours_qualifier"],
            results["unit"],
        )
    ]
    return results.select(
        "article",
        "text",
        pl.Series("claimed_text", [p[0] for p in pairs], dtype=pl.String),
        pl.Series("ours_text", [p[1] for p in pairs], dtype=pl.String),
        "verdict",
        "basis",
    )


def articles(results: pl.DataFrame) -> pl.DataFrame:
    """The articles the claims come from: publisher and date, title, and how many claims each
    makes (the sources table gives the words; the file names stay out)."""
    from ..catalog import load

    titles = (
        load("sources")
        .filter(pl.col("seed_file").is_not_null())
        .sort("source_id")
        .unique("seed_file", keep="first", maintain_order=True)
        .select(pl.col("seed_file").alias("seed"), "title")
    )
    return (
        results.group_by("seed", "article", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("claims"))
        .join(titles, on="seed", how="left")
        .sort("seed")
        .select("article", "title", "claims")
    )


def web_sources(results: pl.DataFrame) -> pl.DataFrame:
    """The ``source_id`` of every figure in ``results`` that is not one of the seed articles
    (those are listed by :func:`articles`), one row per source."""
    ids = [i for v in results["source_id"].drop_nulls().to_list() for i in v.split(";") if i]
    return pl.DataFrame({"source_id": sorted(set(ids) - seed_sources())}, schema={"source_id": pl.String})


def rules_text() -> Text:
    """How a verdict is reached, in words, from the constants the verdicts use."""
    return text(
        "Every quantitative claim in the five seed articles, recomputed from our data. Our figure comes only "
        "from sources other than the seed articles, so a claim can confirm neither itself nor another seed's "
        "claim, and a cumulative claim is checked only against figures published by the article's date; a claim "
        "about deliveries is checked only against deliveries. When a claim's wording fits more than one figure "
        "(a \u201cnet loss\u201d that may be the loss attributable to shareholders or the total), each is checked, "
        "and the claim is confirmed or contradicted only when they agree. A claim worded \u201cover X\u201d is "
        "confirmed only if our figure is at least X for certain; \u201cabout X\u201d allows {about} either side of X "
        "(a figure of ours that is itself approximate contradicts it only when its own range misses that band); "
        "an exact figure must agree to the precision published (half a unit of its last digit), so a rounded figure of "
        "ours (which spans half a unit of its last digit, at most {rounded}) can make an exact claim "
        "consistent but not confirm it. When the figure the report uses is the article's own and another "
        "source gives a different one, or independent sources fall on both sides, the claim is "
        "**disputed**. **Consistent** means our figures allow the claim but do not settle it (for example "
        "when we only have a lower bound).",
        about=f"{_rules.ABOUT:.0%}",
        rounded=f"{_rules.ROUNDED_AT_MOST:.0%}",
    )


def disputed_claims(results: pl.DataFrame) -> Text | None:
    """The disputed claims (the sources disagree), by their wording."""
    bad = results.filter(pl.col("verdict") == "disputed")
    if bad.is_empty():
        return None
    return text(
        "Disputed: {items}; the figure the report uses is the article's own, and another source gives a different one.",
        items=[text("\u201c{t}\u201d", t=t) for t in bad["text"].to_list()],
    )
