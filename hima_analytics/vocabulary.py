"""Display labels for every vocabulary the data uses, defined once next to the schemas.

Closed vocabularies (measures, qualifiers, perimeters, event types, financial metrics, period
types) have a label for every value, checked by a test against :mod:`hima_analytics.schemas`.
Open ones (fact metrics, column names) have labels for the common values and a readable
fallback, so no snake_case name reaches a page. Entity, brand, model and company names come
from the ``entities`` and ``companies`` tables (:func:`entity_labels`).

>>> label("measure", "wholesale"), label("metric", "net_profit_attributable"), label("column", "mom")
('Wholesale (company sales)', 'Net profit attributable to shareholders', 'MoM')
>>> label("metric", "cumulative_firm_orders")
'Cumulative firm orders'
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["HIMA_ZH_FIRST", "LABELS", "entity_labels", "humanize", "label"]

MEASURES = {
    "deliveries": "Deliveries",
    "wholesale": "Wholesale (company sales)",
    "retail": "Retail sales",
    "registrations": "Insurance registrations",
    "production": "Production",
}
QUALIFIERS = {
    "exact": "exact",
    "rounded": "rounded",
    "about": "about",
    "implied": "implied by published totals",
    "over": "more than (lower bound)",
    "under": "less than (upper bound)",
}
PERIMETERS = {
    "all": "all vehicles",
    "nev": "new-energy vehicles only",
    "passenger": "passenger vehicles only",
    "domestic": "China only (no exports)",
    "bev": "battery-electric only",
    "erev": "range-extender only",
    "phev": "plug-in hybrid only",
}
TIERS = {"primary": "Primary (maker, issuer or CPCA)", "major": "Major outlet", "aggregator": "Aggregator or repost"}
POWERTRAINS = {
    "BEV": "Battery-electric (BEV)",
    "EREV": "Range extender (EREV)",
    "PHEV": "Plug-in hybrid (PHEV)",
    "mixed": "Mixed powertrains",
}
LEVELS = {"alliance": "Alliance", "group": "Group", "brand": "Brand", "model": "Model"}
PERIOD_TYPES = {"Q": "Quarter", "H": "Half-year", "9M": "Nine months", "FY": "Full year"}
SEGMENTS = {"passenger_vehicles": "Passenger vehicles", "nev_passenger": "NEV passenger vehicles"}
EVENT_TYPES = {
    "launch": "Launch",
    "presale": "Pre-sale",
    "first_delivery": "First deliveries",
    "partner_join": "Partner joins",
    "price_cut": "Price cut",
    "price_change": "Price change",
    "milestone": "Milestone",
    "other": "Other",
}
#: Financial metrics (closed) and the common fact metrics (open).
METRICS = {
    "revenue": "Revenue",
    "cost_of_sales": "Cost of sales",
    "gross_profit": "Gross profit",
    "gross_margin": "Gross margin",
    "vehicle_revenue": "Vehicle revenue",
    "vehicle_margin": "Vehicle gross margin",
    "net_profit": "Net profit (incl. minority interests)",
    "net_profit_attributable": "Net profit attributable to shareholders",
    "net_profit_attributable_adjusted": "Adjusted net profit attributable",
    "net_profit_attributable_deducted": "Net profit attributable, excl. non-recurring items",
    "rd_expense": "R&D expense",
    "rd_investment": "R&D investment (incl. capitalised)",
    "rd_intensity": "R&D / revenue",
    "net_margin": "Net margin",
    "vehicle_sales": "Vehicles sold",
    "total_vehicle_sales": "Vehicles sold (all)",
    "deliveries": "Deliveries",
    "payments_to_huawei": "Payments to Huawei",
    "payments_to_huawei_cumulative": "Payments to Huawei, cumulative",
    "payments_to_huawei_per_vehicle": "Payments to Huawei per vehicle",
    "cumulative_deliveries": "Cumulative deliveries",
    "cumulative_production": "Cumulative production",
    "cumulative_sales": "Cumulative sales",
    "share_of_hima_deliveries": "Share of HIMA deliveries",
    "months_to_milestone_1m": "Months to one million deliveries",
    "months_to_400k_deliveries": "Months to 400,000 deliveries",
    "nps": "Net Promoter Score",
    "wholesale_sales": "Wholesale (company sales)",
    "nev_wholesale": "NEV wholesale",
    "delivery_target": "Delivery target",
    "delivery_target_low": "Delivery target (low end)",
    "delivery_target_high": "Delivery target (high end)",
    "sales_target": "Sales target",
    "production_and_sales_target": "Production and sales target",
    "delivery_guidance": "Delivery guidance",
    "delivery_guidance_low": "Delivery guidance (low end)",
    "delivery_guidance_high": "Delivery guidance (high end)",
    "revenue_growth_yoy": "Revenue growth, YoY",
    "net_profit_attributable_growth_yoy": "Net profit attributable growth, YoY",
    "average_selling_price": "Average selling price",
    "net_profit_per_vehicle": "Net profit per vehicle",
    "vehicle_business_revenue": "Vehicle business revenue",
    "nev_gross_margin": "NEV gross margin",
    "ads_km_six_months": "ADS kilometres in six months",
    "qiankun_ads_cumulative_km": "Qiankun ADS cumulative kilometres",
}
#: Column headers used across reports.
COLUMNS = {
    "month": "Month",
    "entity": "Maker or brand",
    "subject": "Subject",
    "company": "Company",
    "parent": "Part of",
    "measure": "Measure",
    "perimeter": "Perimeter",
    "value": "Figure",
    "qualifier": "As published",
    "unit": "Unit",
    "metric": "Metric",
    "period": "Period",
    "period_type": "Period type",
    "period_start": "From",
    "period_end": "To",
    "description": "As published (wording)",
    "event_type": "Event",
    "date": "Date",
    "mom": "MoM",
    "yoy": "YoY",
    "qoq": "QoQ",
    "ytd": "YTD",
    "ytd_yoy": "YTD YoY",
    "ttm": "TTM",
    "share": "Share",
    "rank": "Rank",
    "rank_change": "Rank change",
    "mean_3m": "3-month mean",
    "sum_3m": "3-month total",
    "run_rate": "Annualised run-rate",
    "hhi": "HHI",
    "top1_entity": "Largest",
    "top1_share": "Largest share",
    "n": "Parts",
    "revenue": "Revenue",
    "vehicles": "Vehicles",
    "per_vehicle_yuan": "Yuan per vehicle",
    "flag": "Note",
    "source_id": "Source",
    "publisher": "Publisher",
    "published": "Published",
    "title": "Title",
    "url": "Address",
    "tier": "Source tier",
    "language": "Language",
    "rows": "Figures backed",
    "sources": "Sources",
    "first": "Earliest",
    "last": "Latest",
    "months": "Months published",
    "latest": "Latest month",
    "note": "Note",
    "status": "Status",
    "reason": "Reason",
    "check": "Check",
    "segment": "Segment",
    "powertrain": "Powertrain",
    "level": "Level",
    "name": "Name",
    "definition": "Definition",
    "formula": "Formula",
    "family": "Family",
}

CHECKS = {
    "brands_vs_alliance": "Brands against the alliance",
    "models_vs_brand": "Models against their brand",
    "months_vs_period": "Months against a published period total",
    "sources_disagree": "Other sources against the preferred figure",
    "implied_vs_published": "Implied figures against published ones",
    "growth_vs_levels": "Published growth rates against their levels",
}
STATUSES = {
    "ok": "Agrees",
    "partial": "Partial (parts missing)",
    "flagged": "Flagged",
    "exception": "Explained exception",
    "conflict": "Sources disagree (kept, not preferred)",
}
KINDS = {"month": "Missing month", "remainder": "Several missing months together", "brand": "Brand remainder"}
GROUPS = {"Maker": "Makers", "HIMA brand": "HIMA brands"}
FAMILIES = {
    "growth": "Growth",
    "margins": "Margins",
    "deliveries": "Delivery trends",
    "competition": "Competition",
    "missing": "Missing data",
    "ranking": "Rankings",
    "targets": "Targets",
    "mix": "Powertrain mix",
}

LABELS: dict[str, Mapping[str, str]] = {
    "measure": MEASURES,
    "qualifier": QUALIFIERS,
    "perimeter": PERIMETERS,
    "tier": TIERS,
    "powertrain": POWERTRAINS,
    "level": LEVELS,
    "period_type": PERIOD_TYPES,
    "segment": SEGMENTS,
    "event_type": EVENT_TYPES,
    "metric": METRICS,
    "column": COLUMNS,
    "check": CHECKS,
    "status": STATUSES,
    "kind": KINDS,
    "group": GROUPS,
    "family": FAMILIES,
}

#: HIMA brands are shown with their Chinese name first (问界 AITO), as the alliance writes them.
HIMA_ZH_FIRST = True

_ACRONYMS = {
    "yoy": "YoY",
    "mom": "MoM",
    "qoq": "QoQ",
    "ytd": "YTD",
    "ttm": "TTM",
    "nps": "NPS",
    "ads": "ADS",
    "nev": "NEV",
    "rd": "R&D",
    "km": "km",
    "hhi": "HHI",
    "ev": "EV",
    "bu": "BU",
    "iam": "IAM",
    "cny": "CNY",
    "mn": "mn",
    "pv": "PV",
    "cpca": "CPCA",
    "1m": "1m",
    "10k": "10k",
    "400k": "400k",
}


def humanize(name: str) -> str:
    """A readable label for a snake_case name: ``"cities_with_centers"`` -> ``"Cities with centers"``.

    >>> humanize("days_to_10k_deliveries"), humanize("nev_wholesale")
    ('Days to 10k deliveries', 'NEV wholesale')
    """
    words = [_ACRONYMS.get(w, w) for w in str(name).split("_") if w]
    if not words:
        return ""
    first = words[0] if words[0] in _ACRONYMS.values() else words[0][:1].upper() + words[0][1:]
    return " ".join([first, *words[1:]])


def label(vocabulary: str, value: object) -> str:
    """The display label of ``value`` in ``vocabulary`` (``"measure"``, ``"metric"``,
    ``"column"``, ...); unknown values get :func:`humanize`, never their raw id."""
    if value is None:
        return ""
    return LABELS[vocabulary].get(str(value), humanize(str(value)))


def entity_labels(entities, companies=None) -> dict[str, str]:
    """Display names by id: entities from their ``name`` (HIMA brands as ``"问界 AITO"``), and
    companies from theirs. ``entities``/``companies`` are the loaded tables."""
    out: dict[str, str] = {}
    if companies is not None:
        for row in companies.select("company", "name").iter_rows():
            out[str(row[0])] = row[1]
    for e, level, name, zh, parent in entities.select("entity", "level", "name", "name_zh", "parent").iter_rows():
        hima_brand = str(level) == "brand" and str(parent) == "HIMA"
        if str(level) == "alliance":
            out[str(e)] = f"{zh} {e}" if zh and HIMA_ZH_FIRST else str(e)
        else:
            out[str(e)] = f"{zh} {name}" if hima_brand and zh and HIMA_ZH_FIRST else name
    return out


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, plural when ``n`` is not one: how sentences count things.

    >>> counted(1, "origin"), counted(3, "origin"), counted(2, "month"), counted(0, "gap")
    ('1 origin', '3 origins', '2 months', '0 gaps')
    """
    return f"{n} {word if n == 1 else (plural or word + 's')}"
