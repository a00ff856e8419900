"""A claim, the evidence our data holds about it, and the verdict that follows from comparing the two
intervals (see :mod:`hima_analytics.claims`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Claim", "Evidence", "interval", "published_precision", "rounding_precision", "verdict"]

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
        return published_precision(self.value, self.qualifier)


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


def rounding_precision(value: float) -> float:
    """Half a unit of the last non-zero digit, as a fraction of the value (at most 5 %)."""
    if value == 0:
        return 0.0
    v = abs(value)
    exp = 0
    while exp < 12 and round(v / 10 ** (exp + 1)) * 10 ** (exp + 1) == v:
        exp += 1
    return min(0.05, 0.5 * 10**exp / v)


def published_precision(value: float | None, qualifier: str | None) -> float:
    """The relative precision of a published point figure."""
    if value is None:
        return 0.0
    return {"rounded": rounding_precision(value), "about": 0.05}.get(qualifier or "exact", 0.0)


def interval(value: float, qualifier: str | None, width: float) -> tuple[float, float]:
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
    claim_tol = {"exact": claim.tolerance, "rounded": max(claim.tolerance, rounding_precision(claim.claimed))}.get(
        claim.qualifier, max(claim.tolerance, 0.05)
    )
    c_lo, c_hi = interval(claim.claimed, claim.qualifier, claim_tol)
    o_lo, o_hi = interval(evidence.value, evidence.qualifier, evidence.width())
    if o_lo >= c_lo and o_hi <= c_hi:
        return "confirmed"
    if o_hi < c_lo or o_lo > c_hi:
        return "contradicted"
    return "consistent"
