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
cumulative total "to date"), only figures as of the claim's date."""

from __future__ import annotations

from .catalogue import CLAIMS, FY24, H1_25, S0, S1, S2, S3, S4, check, for_display
from .evidence import (
    cumulative_figure,
    cumulative_losses,
    facts_of,
    fees_per_vehicle,
    financial_claim,
    financial_figure,
    first_row,
    growth_claim,
    independent,
    lower_first,
    milestone_400k,
    mn_yuan,
    monthly_claim,
    monthly_figure,
    period_deliveries,
    ratio_evidence,
    seed_id,
    share_of_hima,
    single_fact,
    sum_evidence,
)
from .verdicts import VERDICTS, Claim, D, Evidence, interval, published_precision, rounding_precision, verdict

__all__ = [
    "CLAIMS",
    "Claim",
    "D",
    "Evidence",
    "FY24",
    "H1_25",
    "S0",
    "S1",
    "S2",
    "S3",
    "S4",
    "VERDICTS",
    "check",
    "cumulative_figure",
    "cumulative_losses",
    "facts_of",
    "fees_per_vehicle",
    "financial_claim",
    "financial_figure",
    "first_row",
    "for_display",
    "growth_claim",
    "independent",
    "interval",
    "lower_first",
    "milestone_400k",
    "mn_yuan",
    "monthly_claim",
    "monthly_figure",
    "period_deliveries",
    "published_precision",
    "ratio_evidence",
    "rounding_precision",
    "seed_id",
    "share_of_hima",
    "single_fact",
    "sum_evidence",
    "verdict",
]
