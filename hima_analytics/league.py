"""The monthly league table and the annual rankings analysts publish.

:func:`monthly_league` puts every maker and every HIMA brand side by side for one month:
deliveries as published, month on month, year on year, year to date and its growth, rank and
rank change (among the makers that published both months), and share of China's NEV retail
market. :func:`annual_league` ranks full years on published annual totals (in the press or in
the makers' results), or on published period totals that cover the year end to end (quarters,
a January-September and a fourth quarter, twelve months), never on sums that leave a month
out. Every figure keeps its qualifier; a rank that a bound or a maker still to publish could
change is flagged as not settled, and a lone figure is not ranked. Targets are set against the
measure they are worded in where it is on record (:func:`measured_ytd`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import metrics as hm
from .metrics.qualifiers import qualifier_of_sum

__all__ = [
    "MARKET_LABEL",
    "NO_ANNUAL_TOTAL",
    "PUBLISHED_ANNUAL_TOTAL",
    "SALES_METRICS",
    "annual_league",
    "annual_targets",
    "annual_totals",
    "latest_month",
    "makers",
    "measured_ytd",
    "monthly_league",
    "period_totals",
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


def _rank_moves(grown: pl.DataFrame, *, month: dt.date, before: dt.date) -> pl.DataFrame:
    """``group``, ``entity``, ``rank_change``: the places each member moved from ``before`` to
    ``month`` among the members of its group that published both months, ranked among
    themselves (``rank[before] - rank[month]``, positive: moved up). A maker entering or
    leaving the table moves nobody. Null unless both of those ranks are settled, since a rank
    that a bound could change gives no certain move; and for a member alone in both months."""
    both = grown.filter(pl.col("month").is_in([before, month]) & pl.col("value").is_not_null()).filter(
        pl.len().over("group", "entity") == 2
    )
    moves = []
    for g in ("Maker", "HIMA brand"):
        members = both.filter(pl.col("group") == g)
        if members.select(pl.col("entity").n_unique()).item() < 2:
            continue
        r = hm.rank(members.drop("group"), upper="ceiling")
        now = r.filter(pl.col("month") == month).select("entity", "rank", "rank_certain")
        then = r.filter(pl.col("month") == before).select(
            "entity", pl.col("rank").alias("_then"), pl.col("rank_certain").alias("_then_certain")
        )
        moves.append(
            now.join(then, on="entity").select(
                pl.lit(g).alias("group"),
                "entity",
                pl.when(pl.col("rank_certain") & pl.col("_then_certain"))
                .then(pl.col("_then") - pl.col("rank"))
                .alias("rank_change"),
            )
        )
    empty = pl.DataFrame(schema={"group": pl.String, "entity": pl.String, "rank_change": pl.Int64})
    return pl.concat([empty, *moves], how="vertical_relaxed")


def monthly_league(
    volumes: pl.DataFrame, market: pl.DataFrame, entities: pl.DataFrame, *, month: dt.date
) -> pl.DataFrame:
    """One row per maker and HIMA brand for ``month``: ``value`` (deliveries), ``mom``,
    ``yoy``, ``ytd``, ``ytd_yoy`` (each with ``<name>_qualifier``), ``rank`` within its group,
    ``rank_certain`` (False when a bound, or a member that has not published, could change the
    rank; a brand's figure is capped by the alliance total less the other brands, see
    :func:`_brand_ceiling`), ``rank_change`` on the month before (among the members that
    published both months, and only where both of those ranks are settled: see
    :func:`_rank_moves`), and ``share`` of CPCA NEV passenger retail (an indicative share: maker
    deliveries over market retail). Makers without a figure for the month are listed with
    nulls, so the table shows who did not publish."""
    who = makers(entities, volumes)
    series = _series(volumes, who)
    calendar = hm.complete_months(series.drop("group"), end=month).join(who, on="entity", how="left")
    grown = hm.mom(calendar)
    grown = hm.yoy(grown)
    grown = hm.ytd(grown)
    grown = hm.yoy(grown, value="ytd", name="ytd_yoy", qualifier="ytd_qualifier")
    grown = _brand_ceiling(grown)
    before = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    ranked = pl.concat(
        [
            hm.rank(
                grown.filter((pl.col("group") == g) & (pl.col("month") == month)).drop("group"),
                upper="ceiling",
                unpublished=True,
            ).with_columns(pl.lit(g).alias("group"))
            for g in ("Maker", "HIMA brand")
        ],
        how="diagonal_relaxed",
    ).join(_rank_moves(grown, month=month, before=before), on=["group", "entity"], how="left")
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


#: ``basis`` of a full-year figure published as such.
PUBLISHED_ANNUAL_TOTAL = "published annual total"

#: How precise a total is, best first: a point before a bound (``over``/``under``).
_PRECISION = {"exact": 0, "rounded": 1, "implied": 2, "about": 3, "over": 4, "under": 4}


def _company_entities(entities: pl.DataFrame) -> pl.DataFrame:
    """``company``, ``entity``: the top-level entity each listed company reports for."""
    if "company" not in entities.columns:
        return pl.DataFrame(schema={"company": pl.String, "entity": pl.String})
    return entities.filter(pl.col("parent").is_null() & pl.col("company").is_not_null()).select(
        pl.col("company").cast(pl.String), pl.col("entity").cast(pl.String)
    )


def period_totals(
    volumes: pl.DataFrame,
    facts: pl.DataFrame,
    entities: pl.DataFrame,
    financials: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every delivery total on record for whole calendar months within one year, per entity:
    ``entity``, ``period_start``, ``period_end``, ``value``, ``qualifier``, ``source_id`` and
    ``origin`` (0: a published period total in ``facts``; 1: the makers' results,
    ``financials`` metric ``deliveries`` at the all-vehicles perimeter, mapped from the listed
    company to its top-level entity; 2: a published month in ``volumes``). One row per entity
    and period: the most precise figure (a point before a bound), then the one published as a
    period total, then the results.

    >>> import datetime as dt
    >>> D = dt.date
    >>> e = pl.DataFrame({"entity": ["LI"], "level": ["brand"], "parent": [None], "company": ["LI_INC"]})
    >>> f = pl.DataFrame({"subject": ["LI"], "metric": ["deliveries"], "period_start": [D(2022, 1, 1)],
    ...     "period_end": [D(2022, 11, 30)], "value": [112_000.0], "qualifier": ["rounded"], "source_id": ["a"]})
    >>> r = pl.DataFrame({"company": ["LI_INC"], "metric": ["deliveries"], "period_start": [D(2022, 10, 1)],
    ...     "period_end": [D(2022, 12, 31)], "value": [46_319.0], "qualifier": ["exact"], "source_id": ["b"]})
    >>> v = pl.DataFrame({"entity": ["LI"], "month": [D(2022, 12, 1)], "measure": ["deliveries"],
    ...     "perimeter": ["all"], "value": [21_233], "qualifier": ["exact"], "source_id": ["c"]})
    >>> got = period_totals(v, f, e, r)
    >>> [(str(a), str(b), o) for a, b, o in got.select("period_start", "period_end", "origin").rows()]
    [('2022-01-01', '2022-11-30', 0), ('2022-10-01', '2022-12-31', 1), ('2022-12-01', '2022-12-31', 2)]
    """
    cols = ["entity", "period_start", "period_end", "value", "qualifier", "source_id", "origin"]
    whole = (
        (pl.col("period_start").dt.day() == 1)
        & (pl.col("period_end") == pl.col("period_end").dt.month_end())
        & (pl.col("period_start").dt.year() == pl.col("period_end").dt.year())
        & (pl.col("period_start") <= pl.col("period_end"))
    )

    def rows(frame: pl.DataFrame, entity: pl.Expr, start: pl.Expr, end: pl.Expr, origin: int) -> pl.DataFrame:
        return frame.select(
            entity.cast(pl.String).alias("entity"),
            start.cast(pl.Date).alias("period_start"),
            end.cast(pl.Date).alias("period_end"),
            pl.col("value").cast(pl.Float64),
            pl.col("qualifier").cast(pl.String),
            pl.col("source_id").cast(pl.String),
            pl.lit(origin, pl.Int8).alias("origin"),
        )

    period = (pl.col("period_start"), pl.col("period_end"))
    parts = [rows(facts.filter((pl.col("metric") == "deliveries") & whole), pl.col("subject"), *period, 0)]
    if financials is not None:
        results = financials.filter(pl.col("metric") == "deliveries")
        if "perimeter" in results.columns:
            results = results.filter(pl.col("perimeter").cast(pl.String) == "all")
        joined = (
            results.filter(whole)
            .with_columns(pl.col("company").cast(pl.String))
            .join(_company_entities(entities), on="company")
        )
        parts.append(rows(joined, pl.col("entity"), *period, 1))
    months = volumes.filter(
        (pl.col("measure") == "deliveries") & (pl.col("perimeter") == "all") & pl.col("value").is_not_null()
    )
    month = pl.col("month").cast(pl.Date)
    parts.append(rows(months, pl.col("entity"), month, month.dt.month_end(), 2))
    precision = pl.col("qualifier").replace_strict(_PRECISION, default=9, return_dtype=pl.Int8)
    return (
        pl.concat(parts, how="vertical_relaxed")
        .filter(pl.col("value").is_not_null() & pl.col("qualifier").is_not_null())
        .sort("entity", "period_start", "period_end", precision, "origin", "source_id")
        .unique(["entity", "period_start", "period_end"], keep="first", maintain_order=True)
        .select(cols)
    )


def _piece_label(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """A period inside one year as analysts write it: "Dec", "Q4", "H1", "Jan–Sep"."""
    n = (end.dt.month().cast(pl.Int32) - start.dt.month().cast(pl.Int32)) + 1
    m = start.dt.month()
    return (
        pl.when(n == 1)
        .then(start.dt.strftime("%b"))
        .when((n == 3) & m.is_in([1, 4, 7, 10]))
        .then(pl.format("Q{}", ((m - 1) // 3 + 1).cast(pl.String)))
        .when((n == 6) & m.is_in([1, 7]))
        .then(pl.format("H{}", ((m - 1) // 6 + 1).cast(pl.String)))
        .otherwise(pl.format("{}–{}", start.dt.strftime("%b"), end.dt.strftime("%b")))
    )


def _chains(pieces: pl.DataFrame, starts: pl.DataFrame) -> pl.DataFrame:
    """Every way of covering a year with ``pieces`` laid end to end, from one of its ``starts``
    (``entity``, ``year``, ``period_start``) to 31 December: ``entity``, ``year``, ``chain``
    (a number) and the ``pid`` of each piece in it, one row per piece, in order."""
    p = pieces.select("entity", "pid", "period_start", "period_end")
    frontier = starts.join(p, on=["entity", "period_start"]).select(
        "entity", "year", pl.concat_list("pid").alias("path"), "period_end"
    )
    year_end = (pl.col("period_end").dt.month() == 12) & (pl.col("period_end").dt.day() == 31)
    done = [frontier.filter(year_end)]
    frontier = frontier.filter(~year_end)
    for _ in range(12):  # each piece is at least one month long
        if frontier.is_empty():
            break
        frontier = (
            frontier.with_columns(pl.col("period_end").dt.offset_by("1d").alias("period_start"))
            .drop("period_end")
            .join(p, on=["entity", "period_start"])
            .select("entity", "year", pl.col("path").list.concat(pl.concat_list("pid")), "period_end")
        )
        done.append(frontier.filter(year_end))
        frontier = frontier.filter(~year_end)
    return (
        pl.concat(done)
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("chain"))
        .select("entity", "year", "chain", pl.col("path").alias("pid"))
        .explode("pid")
    )


def annual_totals(
    volumes: pl.DataFrame,
    facts: pl.DataFrame,
    entities: pl.DataFrame,
    financials: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Full-year deliveries per maker and HIMA brand: ``year``, ``group``, ``entity``,
    ``value``, ``qualifier``, ``basis`` and ``source_id``.

    The figure comes from the delivery totals on record (:func:`period_totals`): a published
    annual total (facts, or the makers' results when ``financials`` is given), or the sum of
    published totals that cover the year end to end without overlap (four published quarters;
    a published January–September and a fourth quarter; twelve published months), never a sum
    that leaves a month out. ``basis`` says which. Where several are on record, the most precise
    stands (an exact sum of published quarters before a rounded or lower-bound annual total),
    then the one of fewest parts (a published annual total first), then the one with the most
    parts published as period totals. Sums follow the qualifier rule (a lower bound in a sum
    makes it a lower bound). In the year a brand's first model was first delivered, the year
    runs from that month (AITO: March to December 2022), when ``entities`` records the models'
    ``first_delivery_date``; its ``basis`` says so ("published total since first deliveries,
    Mar–Dec"). A year with none of these has no row.

    >>> import datetime as dt
    >>> D = dt.date
    >>> e = pl.DataFrame({"entity": ["LI"], "level": ["brand"], "parent": [None], "company": ["LI_INC"]})
    >>> v = pl.DataFrame({"entity": ["LI"], "month": [D(2022, 12, 1)], "measure": ["deliveries"],
    ...     "perimeter": ["all"], "value": [21_233], "qualifier": ["exact"], "source_id": ["m"]})
    >>> f = pl.DataFrame({"subject": ["LI"], "metric": ["deliveries"], "period_start": [D(2022, 1, 1)],
    ...     "period_end": [D(2022, 12, 31)], "value": [133_000.0], "qualifier": ["over"], "source_id": ["a"]})
    >>> q = pl.DataFrame({"company": ["LI_INC"] * 4, "metric": ["deliveries"] * 4,
    ...     "period_start": [D(2022, m, 1) for m in (1, 4, 7, 10)],
    ...     "period_end": [D(2022, 3, 31), D(2022, 6, 30), D(2022, 9, 30), D(2022, 12, 31)],
    ...     "value": [31_716.0, 28_687.0, 26_524.0, 46_319.0], "qualifier": ["exact"] * 4, "source_id": ["q"] * 4})
    >>> annual_totals(v, f, e).select("value", "qualifier", "basis").row(0)
    (133000.0, 'over', 'published annual total')
    >>> annual_totals(v, f, e, q).select("value", "qualifier", "basis").row(0)
    (133246.0, 'exact', 'sum of the four published quarters')
    """
    who = makers(entities, volumes)
    first = pl.DataFrame(schema={"entity": pl.String, "_first": pl.Date})
    if {"first_delivery_date", "parent"} <= set(entities.columns):
        first = (
            entities.filter(pl.col("first_delivery_date").is_not_null() & pl.col("parent").is_not_null())
            .group_by(pl.col("parent").cast(pl.String).alias("entity"))
            .agg(pl.col("first_delivery_date").min().cast(pl.Date).dt.truncate("1mo").alias("_first"))
        )
    schema = {
        "year": pl.Int32,
        "group": pl.String,
        "entity": pl.String,
        "value": pl.Float64,
        "qualifier": pl.String,
        "basis": pl.String,
        "source_id": pl.String,
    }
    pieces = (
        period_totals(volumes, facts, entities, financials)
        .join(who.select("entity"), on="entity")
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("pid"),
            pl.col("period_start").dt.year().cast(pl.Int32).alias("year"),
        )
    )
    if pieces.is_empty():
        return pl.DataFrame(schema=schema)
    years = pieces.select("entity", "year").unique()
    starts = pl.concat(
        [
            years.with_columns(pl.date(pl.col("year"), 1, 1).alias("period_start")),
            years.join(first, on="entity")
            .filter(pl.col("_first").dt.year() == pl.col("year"))
            .select("entity", "year", pl.col("_first").alias("period_start")),
        ]
    ).unique()
    laid = _chains(pieces, starts).join(pieces.drop("year"), on=["entity", "pid"], how="left", maintain_order="left")
    precision = pl.col("qualifier").replace_strict(_PRECISION, default=9, return_dtype=pl.Int8)
    n_months = (pl.col("period_end").dt.month().cast(pl.Int32) - pl.col("period_start").dt.month().cast(pl.Int32)) + 1
    summed = (
        laid.with_columns(
            _piece_label(pl.col("period_start"), pl.col("period_end")).alias("_label"),
            n_months.alias("_months"),
        )
        .group_by("entity", "year", "chain", maintain_order=True)
        .agg(
            pl.col("value").sum().alias("value"),
            qualifier_of_sum("qualifier").alias("qualifier"),
            pl.len().alias("_n"),
            pl.col("origin").cast(pl.Int32).sum().alias("_origin"),
            pl.col("source_id").str.join(";").alias("source_id"),
            pl.col("_label"),
            (pl.col("_months") == 1).all().alias("_monthly"),
            ((pl.col("_months") == 3) & pl.col("_label").str.starts_with("Q")).all().alias("_quarterly"),
            pl.col("period_start").first().alias("_from"),
        )
        .filter(pl.col("qualifier").is_not_null())
    )
    since = pl.col("_from").dt.month() != 1
    listed = pl.concat_str(
        pl.col("_label").list.head(pl.col("_n") - 1).list.join(", "), pl.lit(" and "), pl.col("_label").list.last()
    )
    basis = (
        pl.when((pl.col("_n") == 1) & ~since)
        .then(pl.lit(PUBLISHED_ANNUAL_TOTAL))
        .when(pl.col("_n") == 1)
        .then(pl.format("published total since first deliveries, {}–Dec", pl.col("_from").dt.strftime("%b")))
        .when(pl.col("_monthly") & ~since)
        .then(pl.lit("sum of the 12 published months"))
        .when(pl.col("_monthly"))
        .then(
            pl.format(
                "sum of the {} published months since first deliveries, {}–Dec",
                pl.col("_n"),
                pl.col("_from").dt.strftime("%b"),
            )
        )
        .when(pl.col("_quarterly") & (pl.col("_n") == 4))
        .then(pl.lit("sum of the four published quarters"))
        .when(~since)
        .then(pl.format("sum of published totals for {}", listed))
        .otherwise(pl.format("sum of published totals since first deliveries, for {}", listed))
    )
    best = (
        summed.with_columns(basis.alias("basis"), precision.alias("_precision"))
        .sort("entity", "year", "_precision", "_n", "_origin", "source_id")
        .unique(["entity", "year"], keep="first", maintain_order=True)
    )
    return (
        best.join(who, on="entity")
        .select(
            pl.col("year").cast(pl.Int32),
            "group",
            "entity",
            pl.col("value").cast(pl.Float64),
            "qualifier",
            "basis",
            "source_id",
        )
        .sort("year", "entity")
    )


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


def annual_league(
    volumes: pl.DataFrame,
    facts: pl.DataFrame,
    entities: pl.DataFrame,
    financials: pl.DataFrame | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pl.DataFrame:
    """The figures of :func:`annual_totals` (from ``facts``, ``volumes`` and, when given, the
    makers' results in ``financials``), ranked within each group and year, with every other
    member of the group that year listed without a figure (``basis``: :data:`NO_ANNUAL_TOTAL`).

    A year's members are the group's makers or brands (:func:`makers`) except those known to
    have started later: launched, first delivered and first published only after the year
    (see :func:`_started`). A member without a full-year figure could rank anywhere, so no rank
    it could take is settled: a rank is settled only when every member has a figure and no
    bound could change the order. A HIMA brand's figure can reach no further than the
    alliance's exact total less the other brands' figures, which can settle a brand's rank
    while the others have none.

    A table-year is ranked only when at least two of its members have a figure, or when its one
    figure's first place is settled (a HIMA brand capped as above): a lone figure with rivals
    that have none is shown but not ranked, since "1" among one would read as a league win.

    ``start`` and ``end`` (months) keep only the full years inside that window, as a report on
    January 2024 to February 2026 shows 2024 and 2025 only.

    >>> import datetime as dt
    >>> D = dt.date
    >>> e = pl.DataFrame({"entity": ["A", "B"], "level": ["brand"] * 2, "parent": [None] * 2})
    >>> v = pl.DataFrame({"entity": ["A", "B"], "month": [D(2024, 1, 1)] * 2, "measure": ["deliveries"] * 2,
    ...     "perimeter": ["all"] * 2, "value": [5, 6], "qualifier": ["exact"] * 2, "source_id": ["m"] * 2})
    >>> f = pl.DataFrame({"subject": ["A", "A", "B"], "metric": ["deliveries"] * 3,
    ...     "period_start": [D(2022, 1, 1), D(2024, 1, 1), D(2024, 1, 1)],
    ...     "period_end": [D(2022, 12, 31), D(2024, 12, 31), D(2024, 12, 31)],
    ...     "value": [70.0, 90.0, 80.0], "qualifier": ["exact"] * 3, "source_id": ["a", "b", "c"]})
    >>> annual_league(v, f, e).select("year", "entity", "rank").rows()
    [(2022, 'A', None), (2022, 'B', None), (2024, 'A', 1), (2024, 'B', 2)]
    >>> annual_league(v, f, e, start=D(2024, 1, 1), end=D(2026, 2, 1))["year"].unique().to_list()
    [2024]
    """
    totals = annual_totals(volumes, facts, entities, financials)
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
    table = table.with_columns(
        (pl.len().over("group", "year") >= 2).alias("_ranked"),
        pl.col("value").count().over("group", "year").alias("_figures"),
    )
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
    lone = (pl.col("_figures") < 2) & ~pl.col("rank_certain").fill_null(False)
    out = out.with_columns(
        pl.when(lone).then(None).otherwise(pl.col("rank")).alias("rank"),
        pl.when(lone).then(None).otherwise(pl.col("rank_certain")).alias("rank_certain"),
    )
    if start is not None:
        out = out.filter(pl.date(pl.col("year"), 1, 1) >= start.replace(day=1))
    if end is not None:
        out = out.filter(pl.date(pl.col("year"), 12, 1) <= end.replace(day=1))
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


#: Facts metrics that count a maker's sales to its dealers (wholesale): the measure a target
#: worded as sales is met in, ordered by preference.
SALES_METRICS = ("wholesale_sales", "wholesale", "total_vehicle_sales")


def measured_ytd(ytd: pl.DataFrame, targets: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """The year to date each target is set against, in the measure the target is worded in
    wherever that measure is on record: for a target worded as sales (``wording`` "sales"), a
    sales total the maker published for the same period (facts, a metric in
    :data:`SALES_METRICS`, 1 January to the end of the YTD's month: the full year for a
    finished year) replaces its deliveries, so sales are compared with sales. Elsewhere the
    deliveries YTD stands, and ``measure`` says so: a table or sentence must then state that a
    sales target is set against deliveries.

    ``ytd`` has ``entity``, ``month``, ``ytd`` and ``ytd_qualifier`` (deliveries, e.g. from
    :func:`year_to_date`); ``targets`` has ``entity``, ``year`` and ``wording`` (from
    :func:`annual_targets`, one per entity and year). The result has the same rows and
    columns, plus ``measure`` ("deliveries" or "wholesale") and ``source_id_measure`` (the
    source of the sales total; null where deliveries stand), ready for
    :func:`~.metrics.target_progress`, which keeps both.

    >>> import datetime as dt
    >>> D = dt.date
    >>> ytd = pl.DataFrame({"entity": ["AITO", "HIMA"], "month": [D(2024, 12, 1), D(2026, 1, 1)],
    ...                     "ytd": [387_000.0, 57_915.0], "ytd_qualifier": ["over", "exact"]})
    >>> targets = pl.DataFrame({"entity": ["AITO", "HIMA"], "year": [2024, 2026], "wording": ["sales"] * 2})
    >>> facts = pl.DataFrame({"subject": ["AITO"], "metric": ["wholesale_sales"], "period_start": [D(2024, 1, 1)],
    ...     "period_end": [D(2024, 12, 31)], "value": [389_100.0], "qualifier": ["rounded"], "source_id": ["s"]})
    >>> got = measured_ytd(ytd, targets, facts)
    >>> got.select("entity", "ytd", "ytd_qualifier", "measure", "source_id_measure").rows()
    [('AITO', 389100.0, 'rounded', 'wholesale', 's'), ('HIMA', 57915.0, 'exact', 'deliveries', None)]
    """
    require = [c for c in ("entity", "month", "ytd") if c not in ytd.columns]
    if require:
        raise ValueError(
            f"measured_ytd: the YTD frame has no column(s) {require}; hint: pass the output of "
            "league.year_to_date (or a frame with entity, month, ytd and ytd_qualifier)"
        )
    if not {"entity", "year", "wording"} <= set(targets.columns):
        raise ValueError(
            "measured_ytd: the targets frame needs entity, year and wording; hint: pass league.annual_targets(...) "
            "filtered to the current targets"
        )
    y = ytd.with_columns(
        pl.col("entity").cast(pl.String),
        pl.col("ytd").cast(pl.Float64),
        (pl.col("ytd_qualifier").cast(pl.String) if "ytd_qualifier" in ytd.columns else pl.lit("exact")).alias(
            "ytd_qualifier"
        ),
    )
    wording = targets.select(
        pl.col("entity").cast(pl.String), pl.col("year").cast(pl.Int32), pl.col("wording").cast(pl.String)
    ).unique(["entity", "year"], keep="last", maintain_order=True)
    order = {m: i for i, m in enumerate(SALES_METRICS)}
    precision = pl.col("_q").replace_strict(_PRECISION, default=9, return_dtype=pl.Int8)
    sales = (
        facts.filter(
            pl.col("metric").is_in(list(SALES_METRICS))
            & (pl.col("period_start").dt.month() == 1)
            & (pl.col("period_start").dt.day() == 1)
            & (pl.col("period_end") == pl.col("period_end").dt.month_end())
            & (pl.col("period_start").dt.year() == pl.col("period_end").dt.year())
        )
        .select(
            pl.col("subject").cast(pl.String).alias("entity"),
            pl.col("period_end").dt.truncate("1mo").cast(pl.Date).alias("month"),
            pl.col("value").cast(pl.Float64).alias("_v"),
            pl.col("qualifier").cast(pl.String).alias("_q"),
            pl.col("source_id").cast(pl.String).alias("_s"),
            pl.col("metric").replace_strict(order, return_dtype=pl.Int8).alias("_m"),
        )
        .filter(pl.col("_v").is_not_null())
        .sort("entity", "month", precision, "_m", "_s")
        .unique(["entity", "month"], keep="first", maintain_order=True)
        .drop("_m")
    )
    joined = (
        y.with_columns(pl.col("month").dt.year().cast(pl.Int32).alias("_year"))
        .join(wording.rename({"year": "_year"}), on=["entity", "_year"], how="left", maintain_order="left")
        .join(sales, on=["entity", "month"], how="left", maintain_order="left")
    )
    like = (pl.col("wording") == "sales") & pl.col("_v").is_not_null()
    return joined.with_columns(
        pl.when(like).then(pl.col("_v")).otherwise(pl.col("ytd")).alias("ytd"),
        pl.when(like).then(pl.col("_q")).otherwise(pl.col("ytd_qualifier")).alias("ytd_qualifier"),
        pl.when(like).then(pl.lit("wholesale")).otherwise(pl.lit("deliveries")).alias("measure"),
        pl.when(like).then(pl.col("_s")).alias("source_id_measure"),
    ).drop("_year", "wording", "_v", "_q", "_s")


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
