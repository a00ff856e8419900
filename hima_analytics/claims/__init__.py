"""Every quantitative claim in the seed articles, recomputed from the data.

Each :class:`Claim` states what a seed says, and a computation that returns its
:class:`Evidence` as data: our figure, its qualifier, the basis in words built from the
figures used, their sources, the other values on record for the same thing, the article's own
figure when the catalog holds it, and (rarely) a verdict the evidence itself decides.
:func:`assess` then returns the verdict and the sentence explaining it, from two ranges, the
claim's and ours:

- the claim's range: "about X" allows :data:`ABOUT` (5 %) either side; an exact or rounded
  figure half a unit of its last published digit (a claimed 52,747 allows ± 0.5, 305.04% allows
  ± 0.005 points); "over X" is above X, "under X" below X;
- our range: an exact or implied figure is a point, a rounded one spans half a unit of its last
  digit (at most :data:`ROUNDED_AT_MOST`), "about" 5 %, and a bound is open on one side; against
  an "about" claim our figure counts at its value (the 5 % already allows for rounding);
- ``confirmed`` when ours lies inside the claim's; ``contradicted`` when the two do not meet;
  ``consistent`` when they overlap without ours settling it (for example when we only have a
  lower bound, or a rounded figure for an exact claim); ``not verifiable`` when we have no figure
  of the claim's measure;
- ``disputed`` (the sources disagree) when independent figures fall on both sides, or when the only independent
  figures contradict the claim while the figure the catalog prefers (the one the other pages use)
  is the article's own.

Our figures come only from sources other than the claim's article (any table row whose source
is that seed file), use every relevant table (monthly volumes, annual and quarterly facts,
financials), and, where timing matters (a cumulative total "to date"), only figures as of the
claim's date. A figure the catalog ranks below another value for the same key can make a claim
consistent but never confirm it."""

from __future__ import annotations

from .catalogue import (
    CLAIMS,
    FY24,
    H1_25,
    S0,
    S1,
    S2,
    S3,
    S4,
    articles,
    check,
    disputed_claims,
    for_display,
    rules_text,
    shown_figures,
    web_sources,
)
from .evidence import (
    agrees_with_preferred,
    article_label,
    cumulative_figure,
    cumulative_losses,
    facts_of,
    fees_per_vehicle,
    financial_claim,
    financial_figure,
    first_row,
    growth_claim,
    independent,
    keyed_evidence,
    loss_periods,
    lower_first,
    milestone_400k,
    mn_yuan,
    monthly_claim,
    monthly_figure,
    own_sources,
    own_values,
    period_deliveries,
    ratio_evidence,
    seed_sources,
    share_of_hima,
    single_fact,
    source_label,
    sum_evidence,
)
from .verdicts import (
    ABOUT,
    ROUNDED_AT_MOST,
    VERDICTS,
    Assessment,
    Claim,
    D,
    Evidence,
    assess,
    claim_precision,
    digits_precision,
    figure_verdict,
    interval,
    only_on_record,
    published_precision,
    rounding_precision,
    verdict,
)

__all__ = [
    "ABOUT",
    "CLAIMS",
    "FY24",
    "H1_25",
    "ROUNDED_AT_MOST",
    "S0",
    "S1",
    "S2",
    "S3",
    "S4",
    "VERDICTS",
    "Assessment",
    "Claim",
    "D",
    "Evidence",
    "agrees_with_preferred",
    "article_label",
    "articles",
    "assess",
    "check",
    "claim_precision",
    "cumulative_figure",
    "cumulative_losses",
    "digits_precision",
    "disputed_claims",
    "facts_of",
    "fees_per_vehicle",
    "figure_verdict",
    "financial_claim",
    "financial_figure",
    "first_row",
    "for_display",
    "growth_claim",
    "independent",
    "interval",
    "keyed_evidence",
    "loss_periods",
    "lower_first",
    "milestone_400k",
    "mn_yuan",
    "monthly_claim",
    "monthly_figure",
    "own_sources",
    "only_on_record",
    "own_values",
    "period_deliveries",
    "published_precision",
    "ratio_evidence",
    "rounding_precision",
    "rules_text",
    "seed_sources",
    "share_of_hima",
    "shown_figures",
    "single_fact",
    "source_label",
    "sum_evidence",
    "verdict",
    "web_sources",
]
