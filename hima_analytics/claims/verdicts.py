"""A claim, the evidence our data holds about it, and the verdict that follows from comparing the two
ranges (see :mod:`hima_analytics.claims`). The verdict and the sentence that explains it are
returned together, as data, by :func:`assess`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

__all__ = [
    "ABOUT",
    "ROUNDED_AT_MOST",
    "VERDICTS",
    "Assessment",
    "Claim",
    "Evidence",
    "assess",
    "claim_precision",
    "digits_precision",
    "figure_verdict",
    "interval",
    "only_on_record",
    "published_precision",
    "rounding_precision",
    "verdict",
]

D = dt.date

#: "About X" (a claim or a figure) allows this relative distance either side of X.
ABOUT = 0.05
#: A rounded figure spans half a unit of its last non-zero digit, but never more than this.
ROUNDED_AT_MOST = 0.05

VERDICTS = ("confirmed", "consistent", "disputed", "contradicted", "not verifiable")


@dataclass(frozen=True)
class Evidence:
    """What our data says about a claim: one figure, how it was obtained, and the other values
    on record for the same thing.

    ``preferred`` is False when the catalog ranks another value above this one for the same key
    (or the figure is computed from such a value); ``own`` is the claim's article's own figure for
    the same key, when the catalog holds it; ``others`` are further independent values."""

    value: float | None
    qualifier: str | None
    basis: str
    sources: tuple[str, ...] = ()
    decided: str | None = None  # a verdict the evidence settles by itself, with the basis saying why
    #: Relative half-width of a point figure (None: from its qualifier, for a published figure).
    precision: float | None = None
    #: What the figure counts ("deliveries", "wholesale", "revenue", ...); None when not a count.
    measure: str | None = None
    preferred: bool = True
    #: Who published the figure, in words ("36Kr Japan, 1 Jul 2025"; "this article").
    label: str = ""
    #: The figure as printed ("4,154", "≈ 52,700").
    shown: str = ""
    others: tuple[Evidence, ...] = ()
    own: Evidence | None = None
    #: The same figure from other seed articles: on record, named, never evidence.
    seeds: tuple[Evidence, ...] = ()
    #: What this figure takes the claim's wording to mean ("net profit attributable to shareholders"),
    #: when the wording allows more than one reading.
    reading: str = ""
    #: The figure under the other readings of the claim's wording (each with its own ``reading``).
    readings: tuple[Evidence, ...] = ()
    #: A condition the figure holds only under, which the data does not establish ("H2 2022 was a
    #: loss too"): such a figure can make a claim consistent at best, and settles nothing otherwise.
    assumes: str = ""

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
    #: Relative half-width of the claim; None: from its wording and the digits published.
    tolerance: float | None = None
    as_of: dt.date | None = field(default=None)
    #: What a claimed count counts; evidence of another measure never settles it.
    measure: str | None = None
    #: The measure the claim's wording names ("sales") where it is checked against the measure
    #: the figures are published in (deliveries): the basis says so.
    says: str | None = None


@dataclass(frozen=True)
class Assessment:
    """The verdict on a claim and the sentence saying why, both as data."""

    verdict: str
    basis: str
    evidence: Evidence


def digits_precision(value: float, unit: str = "") -> float:
    """Half a unit of the last non-zero digit as published, as a fraction of the value (at most
    :data:`ROUNDED_AT_MOST`). A fraction is published as a percentage, so 0.6300 reads "63%".

    >>> round(digits_precision(52_747) * 52_747, 6), round(digits_precision(-2_450) * 2_450, 6)
    (0.5, 5.0)
    >>> round(digits_precision(3.0504, "fraction") * 3.0504, 8), round(digits_precision(0.63, "fraction") * 0.63, 6)
    (5e-05, 0.005)
    >>> digits_precision(20_000), digits_precision(0)
    (0.05, 0.0)
    """
    scaled = abs(value * 100 if unit == "fraction" else value)
    if scaled == 0:
        return 0.0
    digits = f"{scaled:.8f}".rstrip("0").rstrip(".")
    if "." in digits:
        half = 0.5 * 10 ** -len(digits.split(".")[1])
    else:
        half = 0.5 * 10 ** (len(digits) - len(digits.rstrip("0")))
    return min(ROUNDED_AT_MOST, half / scaled)


def rounding_precision(value: float) -> float:
    """Half a unit of the last non-zero digit, as a fraction of the value (at most 5 %).

    >>> rounding_precision(52_700) * 52_700, rounding_precision(20_000)
    (50.0, 0.05)
    """
    return digits_precision(value)


def published_precision(value: float | None, qualifier: str | None) -> float:
    """The relative precision of a published point figure: none for an exact one, its rounding
    for a rounded one, :data:`ABOUT` for an approximate one."""
    if value is None:
        return 0.0
    return {"rounded": rounding_precision(value), "about": ABOUT}.get(qualifier or "exact", 0.0)


def claim_precision(claim: Claim) -> float:
    """The claim's relative half-width: :data:`ABOUT` for "about X", else half a unit of the last
    digit it publishes (a claimed 52,747 allows ± 0.5; 305.04% allows ± 0.005 points)."""
    if claim.tolerance is not None:
        return claim.tolerance
    if claim.qualifier == "about":
        return ABOUT
    return digits_precision(claim.claimed, claim.unit)


def interval(value: float, qualifier: str | None, width: float) -> tuple[float, float]:
    if qualifier == "over":
        return value, math.inf
    if qualifier == "under":
        return -math.inf, value
    half = width * abs(value)
    return value - half, value + half


def verdict(claim: Claim, evidence: Evidence) -> str:
    """The verdict for ``claim`` given ``evidence`` (see :func:`assess`)."""
    return assess(claim, evidence).verdict


def figure_verdict(claim: Claim, evidence: Evidence) -> str:
    """The verdict one figure gives: ``confirmed`` when our range lies inside the claim's,
    ``contradicted`` when they do not meet, ``consistent`` when they overlap without ours settling
    it. Against "about X" our figure confirms at its value (the 5 % allows for its rounding), but
    contradicts only when its own range misses the claim's: a figure we computed from approximate
    inputs, just outside the 5 %, cannot settle the claim (``consistent``). A figure of another
    measure, or none, is ``not verifiable``; a figure the catalog ranks below another value can at
    best be ``consistent``.

    >>> c = Claim("x", "s", "over 85%", 0.85, "fraction", "over", lambda s: Evidence(None, None, ""))
    >>> figure_verdict(c, Evidence(0.8745, "exact", "")), figure_verdict(c, Evidence(0.80, "exact", ""))
    ('confirmed', 'contradicted')
    >>> figure_verdict(c, Evidence(0.80, "over", "")), figure_verdict(c, Evidence(None, None, ""))
    ('consistent', 'not verifiable')
    >>> about = Claim("y", "s", "about 140,000", 140_000, "CNY", "about", lambda s: Evidence(None, None, ""))
    >>> [figure_verdict(about, Evidence(v, "exact", "", precision=p)) for v, p in
    ...  ((136_000, 0.0), (131_320, 0.0), (131_320, 0.05), (120_000, 0.05))]
    ['confirmed', 'contradicted', 'consistent', 'contradicted']
    """
    if evidence.value is None or not math.isfinite(evidence.value):
        return "not verifiable"
    if claim.measure and evidence.measure and claim.measure != evidence.measure:
        return "not verifiable"
    c_lo, c_hi = interval(claim.claimed, claim.qualifier, claim_precision(claim))
    o_lo, o_hi = interval(evidence.value, evidence.qualifier, evidence.width())
    if o_hi < c_lo or o_lo > c_hi:
        return "contradicted"
    if claim.qualifier == "about":
        o_lo, o_hi = interval(evidence.value, evidence.qualifier, 0.0)
    if o_lo >= c_lo and o_hi <= c_hi:
        return "confirmed" if evidence.preferred else "consistent"
    return "consistent"


def _with_label(e: Evidence) -> str:
    return f"{e.basis} ({e.label})" if e.label else e.basis


def _gap(claim: Claim, e: Evidence) -> str:
    """ "6.2% below the claimed figure; “about” allows 5%" for an approximate claim."""
    if claim.qualifier != "about" or e.value is None or e.qualifier in ("over", "under") or not claim.claimed:
        return ""
    gap = e.value / claim.claimed - 1
    side = "above" if gap > 0 else "below"
    text = f"; ours is {abs(gap):.1%} {side} the claimed figure, and \u201cabout\u201d allows {ABOUT:.0%}"
    if abs(gap) > ABOUT and e.width() > 0:
        text += f", but ours is itself approximate (\u00b1 {e.width():.0%}), so the gap does not settle the claim"
    return text


def only_on_record(own: Evidence | None, seeds: tuple[Evidence, ...]) -> str:
    """Why figures from seed articles settle nothing: "the only figure on record is this article's
    own (> 387,000); ..." or "... another seed article's (> 387,000, S&P Global Mobility, ...)".
    Empty when no seed article gives one.

    >>> seed = Evidence(387_000, "over", "", label="S&P, 2 Oct 2025, a seed article", shown="> 387,000")
    >>> print(only_on_record(None, (seed,)))  # doctest: +NORMALIZE_WHITESPACE
    the only figure on record is another seed article's (> 387,000, S&P, 2 Oct 2025, a seed article);
    a seed article does not check another seed article's claim
    """
    if own is not None and not seeds:
        return (
            f"the only figure on record is this article's own ({own.shown}); "
            f"no other source gives one, so the claim cannot confirm itself"
        )
    if not seeds:
        return ""
    theirs = " and ".join(f"{e.shown}, {e.label}" for e in seeds)
    if own is not None:
        return (
            f"the only figures on record are this article's own ({own.shown}) and another seed article's "
            f"({theirs}); neither the article nor another seed article can confirm the claim"
        )
    plural = len(seeds) > 1
    return (
        f"the only figure{'s' if plural else ''} on record {'are' if plural else 'is'} another seed "
        f"article's ({theirs}); a seed article does not check another seed article's claim"
    )


def _meets(a: Evidence, b: Evidence) -> bool:
    """Whether the ranges of two published figures meet."""
    if a.value is None or b.value is None:
        return True
    a_lo, a_hi = interval(a.value, a.qualifier, a.width())
    b_lo, b_hi = interval(b.value, b.qualifier, b.width())
    return a_lo <= b_hi and b_lo <= a_hi


_AGREES = {
    "confirmed": "which matches the claim",
    "consistent": "which allows the claim without settling it",
    "contradicted": "which does not match the claim",
    "disputed": "on which the sources disagree",
    "not verifiable": "which is not on record",
}


def _assess_assuming(claim: Claim, evidence: Evidence) -> Assessment:
    """A figure that holds only under a condition the data does not establish: ``consistent``
    when, granted the condition, it would confirm the claim; ``not verifiable`` otherwise (a
    conditional bound short of the claim settles nothing)."""
    found = figure_verdict(claim, replace(evidence, assumes=""))
    if found == "confirmed":
        return Assessment(
            "consistent",
            f"{evidence.basis}; granted that, the claim holds, but the data does not establish it",
            evidence,
        )
    return Assessment(
        "not verifiable",
        f"{evidence.basis}; even granted that, {evidence.shown or 'the bound'} does not settle the claim",
        evidence,
    )


def _assess_readings(claim: Claim, evidence: Evidence) -> Assessment:
    """The verdict when the claim's wording fits more than one figure (a "net loss" that may be
    attributable to shareholders or the total): the verdict every reading gives when they agree;
    ``consistent`` when one reading allows the claim and another does not; the basis names each
    reading and its figure."""
    main = assess(claim, replace(evidence, readings=()))
    alts = [assess(claim, r) for r in evidence.readings]
    found = [main.verdict, *(a.verdict for a in alts)]
    if len(set(found)) == 1:
        result = main.verdict
    elif any(v in ("confirmed", "consistent") for v in found):
        result = "consistent"
    else:
        result = "not verifiable"
    parts = [
        f"compared with {a.evidence.reading or 'the figure'}: {a.basis}, {_AGREES[a.verdict]}" for a in (main, *alts)
    ]
    if len(set(found)) > 1:
        parts.append(
            "the claim's wording does not say which of these it means, and they give different verdicts, so the "
            "data is consistent with the claim without confirming it"
        )
    else:
        parts.append("every reading of the claim's wording gives the same verdict")
    return Assessment(result, "; ".join(parts), evidence)


def assess(claim: Claim, evidence: Evidence) -> Assessment:
    """The verdict on ``claim`` from every independent figure in ``evidence``, and why.

    - every independent figure gives a verdict (:func:`figure_verdict`); the best of them counts
      (``confirmed`` before ``consistent``) unless one contradicts the claim while another allows it:
      then ``disputed``;
    - when the only independent figures contradict the claim but the figure the catalog prefers
      for the same key is the article's own, the claim is ``disputed`` too: the report uses the claim's
      figure, and another source gives a different one;
    - the article's own figure, and another seed article's, never confirm the claim: with no other
      figure the claim is ``not verifiable``, and the basis says whose the only figures on record are;
    - when the article's own figure is on record too, ranked below ours, and the two do not meet,
      the basis says the sources conflict;
    - when the claim's wording fits more than one figure (``evidence.readings``), each reading is
      assessed and named (see :func:`_assess_readings`).

    >>> c = Claim("x", "s", "HIMA sold 52,747", 52_747, "units", "exact", lambda s: Evidence(None, None, ""))
    >>> own = Evidence(52_747, "exact", "", label="this article", shown="52,747")
    >>> assess(c, Evidence(52_700, "rounded", "HIMA Jun 2025: ≈ 52,700", preferred=False, own=own)).verdict
    'consistent'
    >>> assess(c, Evidence(None, None, "no other figure", own=own)).verdict
    'not verifiable'
    """
    if evidence.readings:
        return _assess_readings(claim, evidence)
    if evidence.decided:
        return Assessment(evidence.decided, evidence.basis, evidence)
    if evidence.assumes:
        return _assess_assuming(claim, evidence)
    figures = [evidence, *evidence.others] if evidence.value is not None else list(evidence.others)
    own = evidence.own
    if not figures:
        basis = only_on_record(own, evidence.seeds) or evidence.basis
        return Assessment("not verifiable", basis, evidence)
    found = [figure_verdict(claim, f) for f in figures]
    allowed = [v for v in found if v in ("confirmed", "consistent")]
    if "contradicted" in found and allowed:
        result = "disputed"
    elif "contradicted" in found:
        result = "disputed" if own is not None and own.preferred else "contradicted"
    elif allowed:
        result = "confirmed" if "confirmed" in allowed else "consistent"
    else:
        result = "not verifiable"
    capped = [f for f in figures if not f.preferred]
    if evidence.others or own is not None:
        head, *rest = figures
        listed = _with_label(head) + "".join(f"; also {f.shown} ({f.label})" for f in rest if f.shown)
    else:
        listed = "; ".join(f.basis for f in figures)
    parts = [listed]
    if result == "disputed":
        values = [f"{f.shown} ({f.label})" for f in figures if f.shown and f.label]
        if own is not None:
            values.insert(0, f"{own.shown} ({own.label}{', the figure the report uses' if own.preferred else ''})")
        if len(values) > 1:
            parts = [f"sources disagree: {' and '.join(values)}"]
    elif own is not None and own.preferred:
        parts.append(
            f"the figure the report uses, {own.shown}, is this article's own, so the check rests on the others"
        )
        if capped:
            parts[-1] += (
                f"; the catalog ranks {' and '.join(f.shown for f in capped)} below it, so "
                f"{'they' if len(capped) > 1 else 'it'} can agree with the claim but not confirm it"
            )
    elif own is not None and not _meets(own, figures[0]):
        parts.append(
            f"the catalog also records this article's own {own.shown} for the same figure, ranked below "
            f"{figures[0].shown}: the two sources conflict"
        )
    if result == "consistent" and claim.qualifier == "exact":
        if all(f.qualifier in ("rounded", "about") for f in figures):
            parts.append("a rounded figure agrees with an exact claim only to its rounding")
    if claim.measure and any(f.measure and f.measure != claim.measure for f in figures):
        parts.append(f"a figure of another measure does not count for a claim about {claim.measure}")
    counted_as = sorted({f.measure for f in figures if f.measure and f.measure != claim.says})
    if claim.says and counted_as:
        parts.append(
            f"the claim says {claim.says}; ours counts {' and '.join(counted_as)}, the measure these figures "
            f"are published in"
        )
    parts[-1] += _gap(claim, figures[0])
    return Assessment(result, "; ".join(p for p in parts if p), evidence)
