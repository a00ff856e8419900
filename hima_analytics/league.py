"""The monthly league table and the annual rankings analysts publish.

:func:`monthly_league` puts every maker and every HIMA brand side by side for one month:
deliveries as published, month on month, year on year, year to date and its growth, rank and
rank change, and share of China's NEV retail market. :func:`annual_league` ranks full years on
published annual totals, or on twelve published months when there is no total, never on sums
of unequal month counts. Every figure keeps its qualifier; a rank that a bound or a maker
still to publish could change is flagged as not settled.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import metrics as hm
from .metrics.qualifiers import qualifier_of_sum

__all__ = [
    "MARKET_LABEL",
    "NO_ANNUAL_TOTAL",
    "annual_league",
    "annual_targets",
    "annual_totals",
    "latest_month",
    "makers",
    "monthly_league",
    "quarter_deliveries",
    "quarter_guidance",
    "year_to_date",
]

MARKET_LABEL = "CPCA NEV passenger retail"


def makers(entities: pl.DataFrame, volumes: pl.DataFrame | None = None) -> pl.DataFrame:
    """Who is in the table: ``entity``, ``group`` ("Maker" for every top-level alliance, group
    or brand; "HIMA brand" for the alliance's brands). A maker reported both as a group and as
    its brands is counted once: as the group (NIO Inc.), or as its brand when the group's only
    brand on record publishes more months than the group (Zeekr). With ``volumes``, only
    makers with a delivery series are listed: a table of deliveries does not rank makers that
    publish only wholesale (BYD, Tesla China) or groups that publish through a brand (Seres)."""
    deliveries = None if volumes is None else volumes.filter(pl.col("measure") == "deliveries")
    e = entities.select(
        pl.col("entity").cast(pl.String), pl.col("level").cast(pl.String), pl.col("parent").cast(pl.String)
    )
    top = e.filter(pl.col("parent").is_null() & pl.col("level").is_in(["alliance", "group", "brand"]))
    if deliveries is not None:
        # A group whose only brand on record publishes more months than the group itself (Zeekr
        # Group: 2 months; the Zeekr brand: most months) is listed as that brand, one series.
        months = deliveries.group_by(pl.col("entity").cast(pl.String)).agg(pl.col("month").n_unique().alias("_n"))
        only = (
            e.filter((pl.col("level") == "brand") & pl.col("parent").is_not_null())
            .filter(pl.len().over("parent") == 1)
            .select(pl.col("parent").alias("entity"), pl.col("entity").alias("_brand"))
        )
        swap = (
            only.join(months, on="entity", how="left")
            .join(months.rename({"entity": "_brand", "_n": "_nb"}), on="_brand", how="left")
            .filter(pl.col("_nb").fill_null(0) > pl.col("_n").fill_null(0))
        )
        top = top.join(swap.select("entity", "_brand"), on="entity", how="left", maintain_order="left").select(
            pl.coalesce("_brand", "entity").alias("entity"), "level", "parent"
        )
        # only makers that publish deliveries (BYD and Tesla publish wholesale)
        top = top.join(deliveries.select(pl.col("entity").cast(pl.String)).unique(), on="entity", maintain_order="left")
    hima = e.filter((pl.col("parent") == "HIMA") & (pl.col("level") == "brand"))
    return pl.concat(
        [
            top.select("entity", pl.lit("Maker").alias("group")),
            hima.select("entity", pl.lit("HIMA brand").alias("group")),
        ]
    )


def latest_month(volumes: pl.DataFrame, entity: str = "HIMA") -> dt.date | None:
    """The latest month with a published delivery figure for ``entity`` (the table's default)."""
    v = volumes.filter(
        (pl.col("entity").cast(pl.String) == entity)
        & (pl.col("measure") == "deliveries")
        & pl.col("value").is_not_null()
    )
    return v["month"].max() if v.height else None


def _series(volumes: pl.DataFrame, who: pl.DataFrame) -> pl.DataFrame:
    d = volumes.filter((pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all")).select(
        pl.col("entity").cast(pl.String), "month", "value", pl.col("qualifier").cast(pl.String), "source_id"
    )
    return d.join(who, on="entity")


def _brand_ceiling(grown: pl.DataFrame, period: str = "month") -> pl.DataFrame:
    """``ceiling``: the most a HIMA brand can have delivered in a ``period`` (a month, or a
    year), from the alliance's exact total less the other brands' published figures (a lower
    bound counts at its value, an upper bound at 0). Null for makers and for periods without an
    exact alliance total. A brand that has not published is bounded the same way, which is
    what settles a rank."""
    total = grown.filter((pl.col("entity") == "HIMA") & (pl.col("qualifier") == "exact")).select(
        period, pl.col("value").cast(pl.Float64).alias("_total")
    )
    brand = pl.col("group") == "HIMA brand"
    floor = pl.when(brand & (pl.col("qualifier") != "under")).then(pl.col("value")).otherwise(0).fill_null(0)
    return (
        grown.with_columns(floor.cast(pl.Float64).alias("_floor"))
        .with_columns(pl.col("_floor").filter(brand).sum().over(period).alias("_parts"))
        .join(total, on=period, how="left")
        .with_columns(
            pl.when(brand)
            .then(pl.col("_total") - (pl.col("_parts") - pl.col("_floor")))
            .otherwise(None)
            .alias("ceiling")
        )
        .drop("_floor", "_parts", "_total")
    )


def monthly_league(
    volumes: pl.DataFrame, market: pl.DataFrame, entities: pl.DataFrame, *, month: dt.date
) -> pl.DataFrame:
    """One row per maker and HIMA brand for ``month``: ``value`` (deliveries), ``mom``,
    ``yoy``, ``ytd``, ``ytd_yoy`` (each with ``<name>_qualifier``), ``rank`` within its group,
    ``rank_certain`` (False when a bound, or a member that has not published, could change the
    rank; a brand's figure is capped by the alliance total less the other brands, see
    :func:`_brand_ceiling`), ``rank_change`` on the month before, and ``share`` of CPCA NEV passenger
    retail (an indicative share: maker deliveries over market retail). Makers without a figure
    for the month are listed with nulls, so the table shows who did not publish."""
    who = makers(entities, volumes)
    series = _series(volumes, who)
    calendar = hm.complete_months(series.drop("group"), end=month).join(who, on="entity", how="left")
    grown = hm.mom(calendar)
    grown = hm.yoy(grown)
    grown = hm.ytd(grown)
    grown = hm.yoy(grown, value="ytd", name="ytd_yoy", qualifier="ytd_qualifier")
    grown = _brand_ceiling(grown)
    ranked = pl.concat(
        [
            hm.rank_change(
                hm.rank(
                    grown.filter(pl.col("group") == g)
                    .filter(
                        pl.col("month").is_in(
                            [
                                month,
                                month.replace(
                                    year=month.year - 1 if month.month == 1 else month.year,
                                    month=12 if month.month == 1 else month.month - 1,
                                ),
                            ]
                        )
                    )
                    .drop("group"),
                    upper="ceiling",
                    unpublished=True,
                ),
            ).with_columns(pl.lit(g).alias("group"))
            for g in ("Maker", "HIMA brand")
        ],
        how="diagonal_relaxed",
    )
    nev = market.filter((pl.col("segment") == "nev_passenger") & (pl.col("measure") == "retail")).select(
        "month", "value", pl.col("qualifier").cast(pl.String)
    )
    this = grown.filter(pl.col("month") == month)
    shares = hm.share_of_denominator(
        this.select("entity", "month", "value", "qualifier"), nev, label=MARKET_LABEL
    ).select("entity", "share", "share_qualifier")
    out = this.join(
        ranked.filter(pl.col("month") == month).select("entity", "rank", "rank_certain", "rank_change"),
        on="entity",
        how="left",
    ).join(shares, on="entity", how="left")
    listed = who.join(out.drop("group"), on="entity", how="left").with_columns(pl.lit(month).alias("month"))
    order = pl.col("group").replace_strict({"Maker": 0, "HIMA brand": 1}, return_dtype=pl.Int8)
    return listed.sort(order, pl.col("rank").is_null(), "rank", "entity").select(
        "group",
        "entity",
        "month",
        "value",
        "qualifier",
        "mom",
        "mom_qualifier",
        "yoy",
        "yoy_qualifier",
        "ytd",
        "ytd_qualifier",
        "ytd_yoy",
        "ytd_yoy_qualifier",
        "rank",
        "rank_certain",
        "rank_change",
        "share",
        "share_qualifier",
        "source_id",
    )


def annual_totals(volumes: pl.DataFrame, facts: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """Full-year deliveries per maker and HIMA brand: ``year``, ``group``, ``entity``,
    ``value``, ``qualifier``, ``basis`` and ``source_id``.

    The figure is the published annual total (facts, metric ``deliveries``, 1 Jan to 31 Dec)
    where there is one, else the sum of the year's twelve published months; ``basis`` says
    which. In the year a brand's first model was first delivered, a total from that month to
    31 Dec is the whole year (AITO: March to December 2022), when ``entities`` records the
    models' ``first_delivery_date``; its ``basis`` names the months it covers ("published
    total since first deliveries, Mar–Dec"). A year with neither has no row."""
    who = makers(entities, volumes)
    first = pl.DataFrame(schema={"entity": pl.String, "_first": pl.Date})
    if {"first_delivery_date", "parent"} <= set(entities.columns):
        first = (
            entities.filter(pl.col("first_delivery_date").is_not_null() & pl.col("parent").is_not_null())
            .group_by(pl.col("parent").cast(pl.String).alias("entity"))
            .agg(pl.col("first_delivery_date").min().dt.truncate("1mo").alias("_first"))
        )
    whole_year = (pl.col("period_start").dt.month() == 1) & (pl.col("period_start").dt.day() == 1)
    since_first = pl.col("period_start") == pl.col("_first")
    totals = (
        facts.with_columns(pl.col("subject").cast(pl.String).alias("entity"))
        .join(first, on="entity", how="left")
        .filter(
            (pl.col("metric") == "deliveries")
            & (whole_year | since_first.fill_null(False))
            & (pl.col("period_end").dt.month() == 12)
            & (pl.col("period_end").dt.day() == 31)
            & (pl.col("period_start").dt.year() == pl.col("period_end").dt.year())
        )
        .select(
            "entity",
            pl.col("period_start").dt.year().alias("year"),
            pl.col("value"),
            pl.col("qualifier").cast(pl.String),
            "source_id",
            pl.when(whole_year)
            .then(pl.lit("published annual total"))
            .otherwise(
                pl.format("published total since first deliveries, {}–Dec", pl.col("period_start").dt.strftime("%b"))
            )
            .alias("basis"),
        )
    )
    months = _series(volumes, who).with_columns(pl.col("month").dt.year().alias("year"))
    summed = (
        months.group_by("entity", "year")
        .agg(
            pl.col("value").sum().cast(pl.Float64).alias("value"),
            qualifier_of_sum("qualifier").alias("qualifier"),
            pl.col("source_id").str.join(";").alias("source_id"),
            pl.len().alias("_n"),
        )
        .filter(pl.col("_n") == 12)
        .drop("_n")
    )
    summed = summed.with_columns(pl.lit("sum of the 12 published months").alias("basis"))
    combined = pl.concat(
        [totals, summed.join(totals.select("entity", "year"), on=["entity", "year"], how="anti")],
        how="diagonal_relaxed",
    ).join(who, on="entity")
    return combined.select("year", "group", "entity", "value", "qualifier", "basis", "source_id")


#: ``basis`` of a member of an annual table with no full-year figure for the year.
NO_ANNUAL_TOTAL = "no full-year total on record"


def _started(entities: pl.DataFrame, volumes: pl.DataFrame | None = None) -> pl.DataFrame:
    """``entity``, ``started``: when an entity began, for the entities whose start is on record.

    The start is the earliest ``launch_date`` or ``first_delivery_date`` of the entity or of any
    brand or model under it, or the first month it or they published a volume when that is
    earlier. An entity with no launch or first-delivery date has no row: a first published
    month alone does not show that it was not delivering before, so it may have been
    delivering at any time."""
    e = entities.select(pl.col("entity").cast(pl.String), pl.col("parent").cast(pl.String))
    parents = e.drop_nulls("parent")

    def rolled_up(own: pl.DataFrame) -> pl.DataFrame:
        level, found = own, [own]
        for _ in range(3):  # model -> brand -> group or alliance
            level = level.join(parents, on="entity").select(pl.col("parent").alias("entity"), "started")
            if level.is_empty():
                break
            found.append(level)
        return pl.concat(found).group_by("entity").agg(pl.col("started").min())

    empty = pl.DataFrame(schema={"entity": pl.String, "started": pl.Date})
    dates = [c for c in ("launch_date", "first_delivery_date") if c in entities.columns]
    dated = empty
    if dates:
        dated = entities.select(
            pl.col("entity").cast(pl.String), pl.min_horizontal(*dates).cast(pl.Date).alias("started")
        ).drop_nulls("started")
    published = empty
    if volumes is not None and volumes.height:
        published = (
            volumes.filter(pl.col("value").is_not_null())
            .group_by(pl.col("entity").cast(pl.String))
            .agg(pl.col("month").min().cast(pl.Date).alias("started"))
        )
    known = rolled_up(dated)
    return (
        known.join(rolled_up(published), on="entity", how="left", suffix="_published")
        .select("entity", pl.min_horizontal("started", "started_published").alias("started"))
        .sort("entity")
    )


def annual_league(volumes: pl.DataFrame, facts: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """The figures of :func:`annual_totals`, ranked within each group and year, with every other
    member of the group that year listed without a figure (``basis``: :data:`NO_ANNUAL_TOTAL`).

    A year's members are the group's makers or brands (:func:`makers`) except those known to
    have started later: launched, first delivered and first published only after the year
    (see :func:`_started`). A member without a full-year figure could rank anywhere, so no rank
    it could take is settled: a rank is settled only when every member has a figure and no
    bound could change the order. A HIMA brand's figure can reach no further than the
    alliance's exact total less the other brands' figures, which can settle a brand's rank
    while the others have none. A table-year with a single member (AITO alone in 2022) is shown
    but not ranked: one figure is not a ranking."""
    totals = annual_totals(volumes, facts, entities)
    who = makers(entities, volumes)
    started = _started(entities, volumes)
    members = (
        who.join(totals.select("group", "year").unique(), on="group")
        .join(started, on="entity", how="left")
        .filter(pl.col("started").is_null() | (pl.col("started").dt.year() <= pl.col("year")))
        .drop("started")
    )
    absent = members.join(totals.select("entity", "year"), on=["entity", "year"], how="anti").with_columns(
        pl.lit(None, dtype=pl.Float64).alias("value"),
        pl.lit(None, dtype=pl.String).alias("qualifier"),
        pl.lit(NO_ANNUAL_TOTAL).alias("basis"),
        pl.lit(None, dtype=pl.String).alias("source_id"),
    )
    table = _brand_ceiling(pl.concat([totals, absent], how="diagonal_relaxed"), period="year")
    table = table.with_columns((pl.len().over("group", "year") >= 2).alias("_ranked"))
    # Ranked even when empty (no year has two members), so the frame keeps its columns.
    ranked = pl.concat(
        [
            hm.rank(
                table.filter((pl.col("group") == g) & pl.col("_ranked")).drop("group"),
                period="year",
                upper="ceiling",
                unpublished=True,
            ).with_columns(pl.lit(g).alias("group"))
            for g in ("Maker", "HIMA brand")
        ],
        how="diagonal_relaxed",
    ).select("group", "year", "entity", "rank", "rank_certain")
    out = table.join(ranked, on=["group", "year", "entity"], how="left")
    order = pl.col("group").replace_strict({"Maker": 0, "HIMA brand": 1}, return_dtype=pl.Int8)
    return out.sort("year", order, pl.col("rank").is_null(), "rank", pl.col("value").is_null(), "entity").select(
        "year", "group", "entity", "value", "qualifier", "basis", "rank", "rank_certain", "source_id"
    )


def annual_targets(facts: pl.DataFrame, sources: pl.DataFrame | None = None) -> pl.DataFrame:
    """Announced annual targets per entity and year, one row per announcement: ``target`` (a
    single target, or the low end of a range), ``target_high`` (the high end of the same
    announcement's range, else null), their qualifiers, ``wording`` ("deliveries", "sales", or
    "production and sales" for a 产销 target, metric ``production_and_sales_target``: as the
    maker put it), ``announced`` (the publication date of its source, when ``sources`` is
    given) and ``current`` (true for the latest announcement of each entity and year: a revision
    replaces the target before it). Makers that report deliveries often word their target as
    sales (销量目标); the wording is kept so a reader can judge. A range's two ends are paired only
    within one source, so a revision's high end never meets an earlier target's low end.

    >>> import datetime as dt
    >>> D = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    >>> facts = pl.DataFrame({"subject": ["LI"] * 3, "metric": ["delivery_target", "sales_target_low",
    ...     "sales_target_high"], "period_start": [D[0]] * 3, "period_end": [D[1]] * 3,
    ...     "value": [800_000.0, 560_000.0, 640_000.0], "qualifier": ["exact"] * 3, "source_id": ["a", "b", "b"]})
    >>> sources = pl.DataFrame({"source_id": ["a", "b"], "published": [dt.date(2024, 2, 1), dt.date(2024, 3, 20)]})
    >>> annual_targets(facts, sources).select("target", "target_high", "current").rows()
    [(800000.0, None, False), (560000.0, 640000.0, True)]
    >>> both = facts.head(1).with_columns(metric=pl.lit("production_and_sales_target"))
    >>> annual_targets(both)["wording"].to_list()
    ['production and sales']
    """
    rows = facts.filter(
        pl.col("metric").str.contains(r"^(delivery|sales|production_and_sales)_target(_low|_high)?$")
    ).select(
        pl.col("subject").cast(pl.String).alias("entity"),
        pl.col("period_start").dt.year().alias("year"),
        "metric",
        "value",
        pl.col("qualifier").cast(pl.String),
        pl.col("source_id").cast(pl.String),
    )
    rows = rows.with_columns(
        pl.when(pl.col("metric").str.starts_with("delivery"))
        .then(pl.lit("deliveries"))
        .when(pl.col("metric").str.starts_with("production_and_sales"))
        .then(pl.lit("production and sales"))
        .otherwise(pl.lit("sales"))
        .alias("wording"),
        pl.when(pl.col("metric").str.ends_with("_high")).then(pl.lit("high")).otherwise(pl.lit("low")).alias("_end"),
    )
    key = ["entity", "year", "source_id"]
    low = rows.filter(pl.col("_end") == "low").select(
        *key, "wording", pl.col("value").alias("target"), pl.col("qualifier").alias("target_qualifier")
    )
    high = rows.filter(pl.col("_end") == "high").select(
        *key, pl.col("value").alias("target_high"), pl.col("qualifier").alias("target_high_qualifier")
    )
    out = low.join(high, on=key, how="left").unique(key, keep="first", maintain_order=True)
    if sources is not None:
        dates = sources.select(pl.col("source_id").cast(pl.String), pl.col("published").alias("announced"))
        out = out.join(dates, on="source_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Date).alias("announced"))
    out = out.sort("entity", "year", "announced", "source_id", nulls_last=False)
    last = pl.int_range(pl.len()).over("entity", "year") == pl.len().over("entity", "year") - 1
    return out.with_columns(last.alias("current")).select(
        "entity",
        "year",
        "wording",
        "target",
        "target_qualifier",
        "target_high",
        "target_high_qualifier",
        "announced",
        "current",
        "source_id",
    )


def quarter_guidance(facts: pl.DataFrame, sources: pl.DataFrame | None = None) -> pl.DataFrame:
    """Quarterly delivery guidance per entity: ``period_start``, ``low``, ``high`` (equal for a
    single-figure guidance), ``announced`` (the publication date of its source, when
    ``sources`` is given) and ``source_id``.

    The low and high ends are paired within one source. Where several sources give guidance
    for one quarter, the most recently published one stands (a revision replaces the guidance
    before it); without ``sources``, the ends of every source are pooled.

    >>> import datetime as dt
    >>> Q = dt.date(2025, 4, 1)
    >>> facts = pl.DataFrame({"subject": ["LI"] * 3, "period_start": [Q] * 3, "metric": ["delivery_guidance_low",
    ...     "delivery_guidance_high", "delivery_guidance"], "value": [123_000.0, 128_000.0, 108_000.0],
    ...     "source_id": ["may", "may", "jun"]})
    >>> sources = pl.DataFrame({"source_id": ["may", "jun"], "published": [dt.date(2025, 5, 30), dt.date(2025, 6, 27)]})
    >>> quarter_guidance(facts, sources).select("low", "high", "announced").row(0)
    (108000.0, 108000.0, datetime.date(2025, 6, 27))
    """
    rows = facts.filter(pl.col("metric").str.starts_with("delivery_guidance")).select(
        pl.col("subject").cast(pl.String).alias("entity"),
        "period_start",
        "metric",
        pl.col("value").cast(pl.Float64),
        pl.col("source_id").cast(pl.String),
    )
    low = pl.col("value").filter(pl.col("metric").is_in(["delivery_guidance_low", "delivery_guidance"])).min()
    high = pl.col("value").filter(pl.col("metric").is_in(["delivery_guidance_high", "delivery_guidance"])).max()
    if sources is None:
        pooled = rows.group_by("entity", "period_start").agg(
            low.alias("low"), high.alias("high"), pl.col("source_id").sort().first()
        )
        return (
            pooled.drop_nulls(["low", "high"])
            .with_columns(pl.lit(None, pl.Date).alias("announced"))
            .select("entity", "period_start", "low", "high", "announced", "source_id")
            .sort("entity", "period_start")
        )
    dates = sources.select(pl.col("source_id").cast(pl.String), pl.col("published").alias("announced"))
    per_source = (
        rows.group_by("entity", "period_start", "source_id")
        .agg(low.alias("low"), high.alias("high"))
        .drop_nulls(["low", "high"])
        .join(dates, on="source_id", how="left")
    )
    return (
        per_source.sort("entity", "period_start", "announced", "source_id", nulls_last=False)
        .group_by("entity", "period_start", maintain_order=True)
        .last()
        .select("entity", "period_start", "low", "high", "announced", "source_id")
        .sort("entity", "period_start")
    )


def quarter_deliveries(financials: pl.DataFrame, facts: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """Quarter delivery totals published as such, per maker: ``entity``, ``period_start``,
    ``value``, ``qualifier``, ``source_id``. From the makers' results (financials, metric
    ``deliveries``, mapped from the listed company to its top-level entity) and from delivery
    facts that span exactly one calendar quarter; results first where both exist."""
    top = entities.filter(pl.col("parent").is_null() & pl.col("company").is_not_null()).select(
        pl.col("entity").cast(pl.String), pl.col("company").cast(pl.String)
    )
    results = (
        financials.filter((pl.col("metric") == "deliveries") & (pl.col("period_type") == "Q"))
        .select(
            pl.col("company").cast(pl.String),
            "period_start",
            "value",
            pl.col("qualifier").cast(pl.String),
            "source_id",
        )
        .join(top, on="company")
        .select("entity", "period_start", "value", "qualifier", "source_id")
    )
    quarter = (
        (pl.col("period_start").dt.month().is_in([1, 4, 7, 10]))
        & (pl.col("period_start").dt.day() == 1)
        & (pl.col("period_end") == pl.col("period_start").dt.offset_by("3mo").dt.offset_by("-1d"))
    )
    stated = facts.filter((pl.col("metric") == "deliveries") & quarter).select(
        pl.col("subject").cast(pl.String).alias("entity"),
        "period_start",
        "value",
        pl.col("qualifier").cast(pl.String),
        "source_id",
    )
    both = pl.concat(
        [results.with_columns(pl.lit(0).alias("_o")), stated.with_columns(pl.lit(1).alias("_o"))],
        how="vertical_relaxed",
    )
    return (
        both.sort("entity", "period_start", "_o")
        .unique(["entity", "period_start"], keep="first", maintain_order=True)
        .drop("_o")
    )


def year_to_date(months: pl.DataFrame, annual: pl.DataFrame, *, through: dt.date | None = None) -> pl.DataFrame:
    """Each entity's latest known year to date, per year: the full-year figure of
    :func:`annual_totals` where there is one (dated December), else, for the latest year in
    ``months`` only, the YTD through the latest month up to which every month of the year was
    published. ``basis`` says which. An earlier year without a full-year figure is left out.
    ``through`` (e.g. the data's reference month) makes the current year a like period: every
    entity's year to date is taken at that month, never at a later one.

    ``months`` has ``entity``, ``month``, ``value`` and ``qualifier``; the result has
    ``entity``, ``year``, ``month``, ``ytd``, ``ytd_qualifier`` and ``basis``, one row per
    entity and year, ready for :func:`~.metrics.target_progress`.

    >>> import datetime as dt
    >>> m = pl.DataFrame({"entity": ["A", "A", "A", "B"], "month": [dt.date(2024, 1, 1), dt.date(2025, 1, 1),
    ...                   dt.date(2025, 2, 1), dt.date(2024, 1, 1)], "value": [10, 20, 30, 5],
    ...                   "qualifier": ["exact"] * 4})
    >>> a = pl.DataFrame({"entity": ["A"], "year": [2024], "value": [300.0], "qualifier": ["exact"],
    ...                   "basis": ["published annual total"]})
    >>> year_to_date(m, a).select("entity", "year", "ytd", "basis").rows()
    [('A', 2024, 300.0, 'published annual total'), ('A', 2025, 50.0, 'published months')]
    """
    if through is not None:
        months = months.filter(pl.col("month") <= through)
    known = (
        hm.ytd(months.select("entity", "month", "value", "qualifier").with_columns(pl.col("entity").cast(pl.String)))
        .drop_nulls("ytd")
        .sort("entity", "month")
        .group_by("entity", pl.col("month").dt.year().cast(pl.Int32).alias("year"), maintain_order=True)
        .last()
        .select(
            "entity",
            "year",
            "month",
            pl.col("ytd").cast(pl.Float64),
            pl.col("ytd_qualifier").cast(pl.String),
            pl.lit("published months").alias("basis"),
        )
    )
    totals = annual.select(
        pl.col("entity").cast(pl.String),
        pl.col("year").cast(pl.Int32),
        pl.date(pl.col("year"), 12, 1).alias("month"),
        pl.col("value").cast(pl.Float64).alias("ytd"),
        pl.col("qualifier").cast(pl.String).alias("ytd_qualifier"),
        pl.col("basis").cast(pl.String),
    ).unique(["entity", "year"], keep="first", maintain_order=True)
    # A finished year with neither a full-year figure nor twelve months has no progress to
    # report: its YTD through, say, January would read as that year's outcome.
    current = through or months["month"].max()
    partial = known.join(totals.select("entity", "year"), on=["entity", "year"], how="anti")
    if current is None:
        partial = partial.clear()
    else:  # the current year only, and at the month itself when it is given
        partial = partial.filter(pl.col("year") == current.year)
        if through is not None:
            partial = partial.filter(pl.col("month") == through)
    return pl.concat([totals, partial]).sort("entity", "year")
