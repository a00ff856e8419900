"""Table schemas, defined once.

Every curated table is a folder of CSV shards under ``data/``. This module says, for each
table, which columns exist, how each parses, which values are allowed and which columns form
the key. Validation (:mod:`hima_analytics.validation`) and loading
(:mod:`hima_analytics.catalog`) are both driven from here, and so is the data dictionary.

Closed vocabularies (measures, period types, qualifiers, ...) are fixed here. Open
vocabularies (entity and company ids) come from the ``entities`` and ``companies`` tables, so
an analyst's overlay can add a brand without touching code; the loaders turn them into
``pl.Enum`` columns all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "int", "float", "date", "month", "bool", "enum"]
Ref = Literal["source", "entity", "company", "subject"]

MEASURES = ("deliveries", "wholesale", "retail", "registrations", "production")
#: What a figure covers. ``all`` (the default for an empty cell) is everything the entity or
#: company reports under that measure or metric; the others are narrower perimeters of it:
#: ``nev`` new-energy vehicles only (no ICE cars), ``passenger`` passenger vehicles only (no
#: commercial vehicles), ``domestic`` the China market only (no exports), and ``bev``,
#: ``erev``, ``phev`` one powertrain only (a published powertrain split of the entity's figure).
PERIMETERS = ("all", "nev", "passenger", "domestic", "bev", "erev", "phev")
DEFAULT_PERIMETER = "all"
QUALIFIERS = ("exact", "about", "over", "under", "rounded")
#: Qualifiers of loaded frames: the stored ones plus ``implied`` for figures computed on load from
#: published totals (:mod:`hima_analytics.implied`); ``implied`` is never valid in a CSV.
LOADED_QUALIFIERS = (*QUALIFIERS, "implied")
#: How close a source is to the figure's origin: ``primary`` (the maker's or issuer's own
#: release, filing or official channel, or a statistics body such as CPCA), ``major`` (an
#: established news organisation or wire reporting it), ``aggregator`` (reposts, mirrors,
#: machine translations, content sites and self-media).
SOURCE_TIERS = ("primary", "major", "aggregator")
POWERTRAINS = ("BEV", "EREV", "PHEV", "mixed")
LEVELS = ("alliance", "group", "brand", "model")
PERIOD_TYPES = ("Q", "H", "9M", "FY")
MARKET_SEGMENTS = ("passenger_vehicles", "nev_passenger")
MARKET_MEASURES = ("retail", "wholesale")
EVENT_TYPES = (
    "launch",
    "presale",
    "first_delivery",
    "partner_join",
    "price_cut",
    "price_change",
    "milestone",
    "other",
)
DATE_PRECISIONS = ("day", "month")
#: ISO 639-1 codes of the languages sources have been read in.
LANGUAGES = (
    "en",
    "zh",
    "ja",
    "ko",
    "de",
    "fr",
    "es",
    "pt",
    "it",
    "nl",
    "cs",
    "hu",
    "pl",
    "ru",
    "id",
    "vi",
    "th",
    "ms",
    "tr",
)
FINANCIAL_METRICS = (
    "revenue",
    "cost_of_sales",
    "gross_profit",
    "gross_margin",
    "vehicle_revenue",
    "vehicle_margin",
    "net_profit",
    "net_profit_attributable",
    "net_profit_attributable_adjusted",
    "rd_expense",
    "vehicle_sales",
    "deliveries",
    "payments_to_huawei",
)
UNITS = ("CNY_mn", "CNY", "USD_mn", "fraction", "units", "km", "count", "score", "months", "days")

#: Multiplier that turns one unit of money into yuan.
YUAN_PER_UNIT = {"CNY": 1.0, "CNY_mn": 1_000_000.0}


@dataclass(frozen=True)
class Column:
    """One CSV column: its parse kind, whether it may be empty, and what it must match."""

    name: str
    kind: Kind
    description: str
    required: bool = True
    values: tuple[str, ...] | None = None
    ref: Ref | None = None
    non_negative: bool = False
    #: Value used for an empty cell of an optional column (None: the cell stays null).
    default: str | None = None


@dataclass(frozen=True)
class Table:
    """One curated table.

    ``key`` identifies what a row measures. Tables with ``preferred`` may hold several rows
    per key (one per source), exactly one of them preferred. ``unit_series`` names the columns
    within which the ``unit`` column must be constant.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    preferred: bool = False
    unit_series: tuple[str, ...] | None = None
    sort: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_SOURCE = Column("source_id", "str", "Id of the row's source in the sources table.", ref="source")
_PREFERRED = Column("preferred", "bool", "true for the one value used by default when sources disagree.")
_NOTE = Column("note", "str", "Free text: conflicts, why a value is preferred, caveats.", required=False)
_PERIMETER = Column(
    "perimeter",
    "enum",
    "What the figure covers: " + ", ".join(PERIMETERS) + f" (empty means {DEFAULT_PERIMETER}).",
    required=False,
    values=PERIMETERS,
    default=DEFAULT_PERIMETER,
)
_QUALIFIER = Column(
    "qualifier",
    "enum",
    "How the source worded the figure: exact, about, over, under or rounded.",
    values=QUALIFIERS,
)

SOURCES = Table(
    name="sources",
    description="Every public source or seed article that backs a row.",
    columns=(
        Column("source_id", "str", "Unique id, cited by every other table."),
        Column("url", "str", "Address of the page (empty for a seed).", required=False),
        Column("seed_file", "str", "Seed article file name (empty for a URL).", required=False),
        Column("title", "str", "Title of the page or article."),
        Column("publisher", "str", "Who published it."),
        Column("published", "date", "Publication date (required for URLs; a seed may lack one).", required=False),
        Column("retrieved", "date", "Date the page was retrieved."),
        Column("language", "enum", "Language of the source.", values=LANGUAGES),
        Column(
            "tier",
            "enum",
            "primary (maker, issuer or statistics body), major (established news "
            "organisation) or aggregator (repost, mirror, content site).",
            required=False,
            values=SOURCE_TIERS,
        ),
        _NOTE,
    ),
    key=("source_id",),
    sort=("source_id",),
)

COMPANIES = Table(
    name="companies",
    description="Companies: partner OEMs, listed issuers and rivals, with tickers.",
    columns=(
        Column("company", "str", "Company id, e.g. SERES."),
        Column("name", "str", "English name."),
        Column("name_zh", "str", "Chinese name.", required=False),
        Column("issuer", "str", "Listed issuer, if different from the name.", required=False),
        Column("tickers", "str", "Tickers separated by ';', e.g. 601127.SH;9927.HK.", required=False),
        Column("source_id", "str", "Source for the listing details.", ref="source"),
        _NOTE,
    ),
    key=("company",),
    sort=("company",),
)

ENTITIES = Table(
    name="entities",
    description="Alliance, groups, brands and models, each with its parent and partner company.",
    columns=(
        Column("entity", "str", "Entity id, e.g. AITO or AITO_M9."),
        Column("level", "enum", "alliance, group, brand or model.", values=LEVELS),
        Column("name", "str", "Display name."),
        Column("name_zh", "str", "Chinese name.", required=False),
        Column("parent", "str", "Parent entity id (model -> brand -> alliance/group).", required=False),
        Column("company", "str", "Partner OEM or maker (company id).", required=False, ref="company"),
        Column("powertrain", "enum", "BEV, EREV, PHEV or mixed.", required=False, values=POWERTRAINS),
        Column(
            "mixed_from",
            "date",
            "For a mixed model that began in one powertrain: the launch date of its second one (the model "
            "counts as mixed from that month, as first_powertrain before it).",
            required=False,
        ),
        Column(
            "first_powertrain",
            "enum",
            "For a model with mixed_from: the one powertrain it was sold in before then.",
            required=False,
            values=tuple(p for p in POWERTRAINS if p != "mixed"),
        ),
        Column("segment", "str", "Market segment, e.g. large SUV.", required=False),
        Column("launch_date", "date", "Official launch date.", required=False),
        Column("first_delivery_date", "date", "First customer deliveries.", required=False),
        Column("source_id", "str", "Source for the entity's details.", ref="source"),
        _NOTE,
    ),
    key=("entity",),
    sort=("entity",),
)

VOLUMES = Table(
    name="volumes",
    description="Monthly vehicle volumes by alliance, group, brand and model; one measure per row.",
    columns=(
        Column("month", "month", "Calendar month (YYYY-MM in the CSV, first-of-month Date when loaded)."),
        Column("entity", "str", "Entity id.", ref="entity"),
        Column("measure", "enum", "What was counted: " + ", ".join(MEASURES) + ".", values=MEASURES),
        _PERIMETER,
        Column("value", "int", "Vehicles in the month.", non_negative=True),
        _QUALIFIER,
        Column("powertrain", "enum", "BEV, EREV, PHEV or mixed, where known.", required=False, values=POWERTRAINS),
        _SOURCE,
        _PREFERRED,
        _NOTE,
    ),
    key=("month", "entity", "measure", "perimeter"),
    preferred=True,
    sort=("entity", "measure", "month"),
)

FINANCIALS = Table(
    name="financials",
    description="Company financials in long form: quarter, half-year, nine-month and full-year periods.",
    columns=(
        Column("company", "str", "Company id.", ref="company"),
        Column("period_type", "enum", "Q, H, 9M or FY.", values=PERIOD_TYPES),
        Column("period_start", "date", "First day of the period."),
        Column("period_end", "date", "Last day of the period."),
        Column("metric", "enum", "What was reported.", values=FINANCIAL_METRICS),
        Column("value", "float", "Value in `unit`; losses are negative."),
        Column("unit", "enum", "CNY_mn for money, fraction for margins, units for vehicles.", values=UNITS),
        _PERIMETER,
        _QUALIFIER,
        _SOURCE,
        _PREFERRED,
        _NOTE,
    ),
    key=("company", "period_type", "period_start", "period_end", "metric", "perimeter"),
    preferred=True,
    unit_series=("company", "metric"),
    sort=("company", "metric", "period_type", "period_start"),
)

MARKET = Table(
    name="market",
    description="China passenger-vehicle and NEV market totals by month (CPCA), retail and wholesale apart.",
    columns=(
        Column("month", "month", "Calendar month."),
        Column("segment", "enum", "passenger_vehicles or nev_passenger.", values=MARKET_SEGMENTS),
        Column("measure", "enum", "retail or wholesale.", values=MARKET_MEASURES),
        Column("value", "int", "Vehicles in the month.", non_negative=True),
        _QUALIFIER,
        _SOURCE,
        _PREFERRED,
        _NOTE,
    ),
    key=("month", "segment", "measure"),
    preferred=True,
    sort=("segment", "measure", "month"),
)

EVENTS = Table(
    name="events",
    description="Dated events: launches, first deliveries, partner joins, price moves, milestones.",
    columns=(
        Column("date", "date", "When it happened (first of month when precision is month)."),
        Column("date_precision", "enum", "day or month.", values=DATE_PRECISIONS),
        Column("entity", "str", "Entity id.", ref="entity"),
        Column("event_type", "enum", "Kind of event.", values=EVENT_TYPES),
        Column("description", "str", "What happened."),
        Column("value", "float", "A number tied to the event, e.g. a new starting price.", required=False),
        Column("unit", "enum", "Unit of `value`.", required=False, values=UNITS),
        _SOURCE,
        _NOTE,
    ),
    key=("date", "entity", "event_type", "description"),
    sort=("date", "entity", "event_type"),
)

FACTS = Table(
    name="facts",
    description="Single published figures: annual totals, cumulative milestones, NPS, store counts, mileage.",
    columns=(
        Column("subject", "str", "Entity or company id.", ref="subject"),
        Column("metric", "str", "What the figure measures, e.g. deliveries, cumulative_deliveries, nps."),
        Column("period_start", "date", "Start of the period (equal to period_end for a point in time)."),
        Column("period_end", "date", "End of the period, or the as-of date."),
        Column("value", "float", "The figure in `unit`."),
        Column("unit", "enum", "Unit of the figure.", values=UNITS),
        _QUALIFIER,
        Column("description", "str", "The figure in words, as published."),
        _SOURCE,
        _PREFERRED,
        _NOTE,
    ),
    key=("subject", "metric", "period_start", "period_end"),
    preferred=True,
    unit_series=("subject", "metric"),
    sort=("subject", "metric", "period_start"),
)

EXCEPTIONS = Table(
    name="exceptions",
    description="Documented reconciliation gaps that are explained rather than errors.",
    columns=(
        Column(
            "check",
            "enum",
            "Which reconciliation.",
            values=("brands_vs_alliance", "models_vs_brand", "months_vs_period"),
        ),
        Column("entity", "str", "The parent entity of the check.", ref="entity"),
        Column("period_start", "date", "First month the exception covers."),
        Column("period_end", "date", "Last day the exception covers."),
        Column("reason", "str", "Why the gap is expected."),
        _SOURCE,
    ),
    key=("check", "entity", "period_start"),
    sort=("check", "entity", "period_start"),
)

#: Every table, in load order: sources and companies first, since others refer to them.
TABLES: dict[str, Table] = {
    t.name: t for t in (SOURCES, COMPANIES, ENTITIES, VOLUMES, FINANCIALS, MARKET, EVENTS, FACTS, EXCEPTIONS)
}


def table_schema(name: str) -> Table:
    """Look up a table's schema by name, with a suggestion when the name is unknown.

    >>> table_schema("volumes").key
    ('month', 'entity', 'measure', 'perimeter')
    """
    try:
        return TABLES[name]
    except KeyError:
        from .errors import UnknownNameError

        raise UnknownNameError("dataset", name, TABLES, hint="see `hima data list`") from None
