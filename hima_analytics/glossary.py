"""What each metric means, in two forms.

:data:`DEFINITIONS` is the glossary a report prints: one plain-words definition and formula per
public metric, written for readers (a test requires one for every name in
``hima_analytics.metrics.__all__``, so a new metric cannot ship without it). :func:`glossary`
is the developers' view, taken from the metric functions' docstrings.
"""

from __future__ import annotations

import inspect
import re

import polars as pl

#: Clauses about a function's calling convention (output column names, arguments) say
#: nothing to a reader of a report; they are removed, then any sentence that still names a
#: column pattern (``<name>_qualifier``) or describes outputs or exceptions is left out.
_CLAUSES = (
    (re.compile(r",? named (?:after )?[\w<>{}]+(?= unless|[.;,)]|$)"), ""),
    (re.compile(r"\bNamed [\w<>{}]+(?: unless [^.;]+)?[.;]\s*"), ""),
    (re.compile(r";? ?pass them in \w+=\)"), ")"),
    (re.compile(r"sum_\{window\}m"), "the sum"),
    (re.compile(r"\(fraction; ([^()]+)\)"), r"(a fraction; \1)"),
)
_CODE_ONLY = re.compile(r"<\w+>|^(?:Adds|Output adds|Raises|Returns)\b")
_ROLE = re.compile(r":(?:func|mod|class|meth|attr):`~?\.?([^`]+)`")


def _readable(text: str) -> str:
    """A docstring paragraph for a reader: code names as words (``gross_profit / revenue`` ->
    ``gross profit / revenue``), cross-references as plain names, and what only concerns the
    calling convention left out.

    >>> _readable("Mean of the window: sum_{window}m / window, named mean_<window>m. Adds <name>_n.")
    'Mean of the window: the sum / window.'
    >>> _readable("Net margin: net profit / revenue (fraction; negative for a loss), named net_margin.")
    'Net margin: net profit / revenue (a fraction; negative for a loss).'
    >>> _readable("Follows the sum rule (:mod:`~.qualifiers`); see :func:`share_of_total`.")
    'Follows the sum rule (qualifier rules); see share of total.'
    """
    from .vocabulary import humanize

    def role(m: re.Match[str]) -> str:
        target = m.group(1).rsplit(".", 1)[-1]
        return "qualifier rules" if target == "qualifiers" else target

    text = _ROLE.sub(role, text)
    for pattern, replacement in _CLAUSES:
        text = pattern.sub(replacement, text)
    sentences = [s for s in re.split(r"(?<=\.)\s+", text) if s]
    # A later sentence that starts in lower case is what is left of a removed one.
    kept = [s for i, s in enumerate(sentences) if not _CODE_ONLY.search(s) and (i == 0 or not s[0].islower())]
    text = " ".join(kept).strip().replace(";.", ".")
    if text.endswith(";"):
        text = text[:-1] + "."
    return re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", lambda m: humanize(m.group(0)).lower(), text)


def glossary(*, readable: bool = False) -> pl.DataFrame:
    """One row per public metric: family, name, what it computes and its formula. With
    ``readable``, code names in the definitions and formulas are written as words (for pages).

    >>> g = glossary()
    >>> g.filter(pl.col("metric") == "yoy")["family"].item()
    'growth'
    >>> glossary(readable=True).filter(pl.col("metric") == "gross_margin")["definition"].item()[:36]
    'Gross margin: gross profit / revenue'
    """
    from . import metrics

    rows = []
    for name in sorted(metrics.__all__):
        func = getattr(metrics, name)
        doc = inspect.getdoc(func) or ""
        paragraphs = [
            p.replace("\\n", " ") for p in doc.split("\n\n") if p.strip() and not p.lstrip().startswith(">>>")
        ]
        summary = " ".join(paragraphs[0].split()).replace("``", "") if paragraphs else ""
        formula = next(
            (" ".join(p.split()).replace("``", "") for p in paragraphs if p.lstrip().startswith("Formula")), ""
        )
        formula = formula if formula != summary else ""
        if readable:
            summary, formula = _readable(summary), _readable(formula)
        rows.append(
            {"family": func.__module__.rsplit(".", 1)[-1], "metric": name, "definition": summary, "formula": formula}
        )
    return pl.DataFrame(rows).sort("family", "metric")


#: Per public metric: its name as a reader knows it, what it measures and how it is computed, in
#: plain words for a report.
DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "cagr": (
        "CAGR",
        "Compound annual growth rate: the steady yearly growth that takes a first figure to a last one.",
        "The last figure ÷ the first, to the power of 1 ÷ the number of years, minus 1. Not computed when "
        "the first figure is zero or negative.",
    ),
    "complete_months": (
        "Complete months",
        "A series laid out on every calendar month from its first to its last, so that a month with no "
        "published figure shows as a gap instead of disappearing.",
        "Every month in the span; a month without a figure is left empty.",
    ),
    "concentration": (
        "Concentration (HHI)",
        "How concentrated a market is in each period: the Herfindahl–Hirschman index and the largest maker's share.",
        "Sum of the squared shares, as fractions (1.0 means one maker holds everything; multiply by 10,000 "
        "for the antitrust scale). Not computed when a maker's figure is missing or is only a bound.",
    ),
    "cumulative": (
        "Cumulative deliveries",
        "Cumulative deliveries since a series' first month.",
        "The sum of every month from the first to the current one; unknown from the first missing month on.",
    ),
    "gross_margin": (
        "Gross margin",
        "The share of revenue left after the cost of sales.",
        "Gross profit ÷ revenue, or (revenue − cost of sales) ÷ revenue.",
    ),
    "growth": (
        "Growth over n months",
        "Growth against the same series a set number of months earlier.",
        "Current figure ÷ earlier figure − 1. Not computed when the earlier figure is missing, zero or negative.",
    ),
    "growth_rate": (
        "Growth rate",
        "Growth of one figure over another.",
        "Current ÷ base − 1. Not computed when the base is missing, zero or negative.",
    ),
    "guidance_implied": (
        "Implied by guidance",
        "What a company's quarterly delivery guidance implies for the months of the quarter not yet published.",
        "The low and high ends of the guidance, each less the quarter's published months; once all three "
        "months are published, whether the quarter landed inside the range.",
    ),
    "hoh": (
        "HoH",
        "Half-on-half growth of half-year figures.",
        "This half-year ÷ the previous half-year − 1.",
    ),
    "like_periods": (
        "Like periods",
        "The periods in which every maker compared has a figure: the common ground for a fair comparison.",
        "Only the months with a figure for each of the makers.",
    ),
    "margins": (
        "Margins",
        "Gross margin, net margin and R&D intensity per company and period.",
        "The reported gross margin where there is one, else gross profit ÷ revenue; net profit attributable "
        "to shareholders ÷ revenue; R&D expense ÷ revenue.",
    ),
    "missing_months": (
        "Missing months",
        "The months with no figure in a series: the gaps a report shows as missing.",
        "Every month in the span that has no published figure.",
    ),
    "mom": (
        "MoM",
        "Month-on-month growth.",
        "This month ÷ the previous month − 1.",
    ),
    "monthly_totals": (
        "Monthly totals",
        "Monthly totals from detailed records, such as insurance registrations by city and model.",
        "The sum of the records in each calendar month, per brand or maker.",
    ),
    "months_since_launch": (
        "Months since launch",
        "Months since a model's launch, for ramp-up curves.",
        "0 in the launch month, 1 the month after, and so on.",
    ),
    "nearest_in_size": (
        "Nearest rivals in size",
        "The rivals closest in size to a brand or maker, compared on the same months.",
        "For each rival, the months of the last year in which both published a figure; the gap between "
        "their median monthly deliveries, measured as a ratio. Rivals with too few such months are not "
        "compared.",
    ),
    "net_margin": (
        "Net margin",
        "Profit attributable to shareholders as a share of revenue (negative for a loss).",
        "Net profit attributable to shareholders ÷ revenue.",
    ),
    "peak_month": (
        "Peak month",
        "A series' strongest month and its figure.",
        "The month with the highest figure (the earliest on a tie). Not settled when another month is "
        "published only as a lower bound that could be higher.",
    ),
    "per_vehicle": (
        "Per vehicle",
        "Money per vehicle, in yuan.",
        "An amount ÷ the number of vehicles.",
    ),
    "per_vehicle_economics": (
        "Per vehicle, like for like",
        "Money per vehicle, computed only where the amount and the vehicle count cover the same company, "
        "brands and period.",
        "An amount ÷ vehicles delivered in the same period; otherwise not computed, with the reason given.",
    ),
    "period_total": (
        "Total over like months",
        "Each maker's total over exactly the same set of months.",
        "The sum of those months; not computed for a maker missing any of them.",
    ),
    "powertrain_mix": (
        "Powertrain mix",
        "Deliveries by powertrain (battery-electric, range-extender, plug-in hybrid) per brand or maker, "
        "from model figures.",
        "The sum of the models' figures per powertrain, its share of all models counted, and how much of "
        "the brand's own figure the models cover.",
    ),
    "qoq": (
        "QoQ",
        "Quarter-on-quarter growth of quarterly figures.",
        "This quarter ÷ the previous quarter − 1.",
    ),
    "ramp_from_launch": (
        "Ramp-up from launch",
        "A model's cumulative deliveries month by month from its first deliveries, for comparing launches.",
        "Cumulative deliveries against months since first deliveries; drawn only for a model whose published "
        "record starts at its first deliveries and runs at least three months in a row.",
    ),
    "rank": (
        "Rank",
        "Rank within a month (1 = largest; ties share the better rank).",
        "Ordered by figure. A rank is not settled when a figure published only as a bound could place a "
        "maker on the other side of a rival.",
    ),
    "rank_change": (
        "Rank change",
        "How many places a maker moved up or down.",
        "Earlier rank − current rank (positive: moved up), counted among the makers that published in both "
        "months; shown only where both ranks are settled.",
    ),
    "ratio": (
        "Ratio",
        "One figure as a multiple or fraction of another.",
        "Numerator ÷ denominator. Not computed when the denominator is missing, zero or negative.",
    ),
    "rd_intensity": (
        "R&D intensity",
        "Research and development spending as a share of revenue.",
        "R&D expense ÷ revenue.",
    ),
    "rolling_mean": (
        "Rolling mean",
        "Average monthly figure over the last few months (for example three).",
        "The sum of those months ÷ their number; not computed unless every month has a figure.",
    ),
    "rolling_sum": (
        "Rolling sum",
        "Total over the last few months (for example 3, 6 or 12).",
        "The sum of those months; not computed unless every month has a figure.",
    ),
    "run_rate": (
        "Run-rate",
        "Annualised run-rate: a year's deliveries at the recent pace.",
        "12 × the average of the last three months.",
    ),
    "share_change_contributions": (
        "Contributions to a share change",
        "How much each brand's change in volume moved one brand's share of a total between two months.",
        "Each brand's change in volume, weighted by the starting share, ÷ the later total. The "
        "contributions add up exactly to the change in share.",
    ),
    "share_of_denominator": (
        "Share of a market total",
        "Share of a named market total, such as China's new-energy passenger car retail sales.",
        "Figure ÷ the market total for the same period; the market total is named wherever the share is shown.",
    ),
    "share_of_total": (
        "Share of total",
        "Each part's share of a total it belongs to, such as a brand's share of the alliance.",
        "Part ÷ the sum of all parts. Not computed when any part has no figure, as the total is then unknown.",
    ),
    "target_progress": (
        "Progress against target",
        "Year-to-date progress against an announced annual target.",
        "Year to date ÷ target; vehicles still to deliver; the monthly average needed in the months left; "
        "and the pace: the year-to-date monthly average × 12 ÷ target. A target worded as sales is set against "
        "a published sales figure where one is on record, else against deliveries, and the table says which; "
        "for a finished year, the shortfall is the target less the full-year figure.",
    ),
    "trailing_sum": (
        "Trailing sum",
        "Total over the months ending at each month (for example the last twelve).",
        "The sum of those months, counted by date; not computed when any month in the window is missing.",
    ),
    "ttm": (
        "TTM",
        "Trailing twelve months of quarterly figures.",
        "The sum of the latest quarter and the three before it; not computed unless all four are published.",
    ),
    "wide_financials": (
        "Financials by period",
        "Company financials arranged one row per company and period, one column per item.",
        "Items reported for a narrower scope (for example new-energy vehicles only) get their own column.",
    ),
    "yoy": (
        "YoY",
        "Year-on-year growth, for months, quarters, halves or years alike.",
        "This period ÷ the same period a year earlier − 1.",
    ),
    "ytd": (
        "YTD",
        "Year-to-date total.",
        "The sum of the months from January to the current month; unknown from the first missing month of the year on.",
    ),
}

#: Families as a reader groups them.
FAMILIES = {
    "competition": "Market structure",
    "deliveries": "Deliveries",
    "growth": "Growth",
    "margins": "Financials",
    "missing": "Coverage",
    "mix": "Deliveries",
    "ranking": "Ranking",
    "targets": "Targets",
}


def definitions() -> pl.DataFrame:
    """The glossary a report prints: one row per public metric with its family, name, definition
    and formula in plain words (:data:`DEFINITIONS`). Raises if a public metric has none.

    >>> d = definitions()
    >>> d.filter(pl.col("name") == "YoY").select("family", "formula").row(0)
    ('Growth', 'This period ÷ the same period a year earlier − 1.')
    """
    from . import metrics

    missing = sorted(set(metrics.__all__) - set(DEFINITIONS))
    if missing:
        raise KeyError(f"no client-facing definition for {', '.join(missing)}; add one to DEFINITIONS.")
    rows = [
        {
            "family": FAMILIES.get(getattr(metrics, name).__module__.rsplit(".", 1)[-1], "Other"),
            "name": DEFINITIONS[name][0],
            "definition": DEFINITIONS[name][1],
            "formula": DEFINITIONS[name][2],
        }
        for name in sorted(metrics.__all__)
    ]
    return pl.DataFrame(rows).sort("family", "name")
