"""Rankings and comparisons on like periods.

Makers are compared only on the same periods: a ranking of monthly figures ranks within one
month; a comparison over a window uses only the months every maker published
(:func:`like_periods`), or published period totals. A rank that a bound could change is
flagged: a figure published as "over 20,000" might rank above its neighbour.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .qualifiers import bounded_value, qualifier_of_sum
from .series import has_qualifier, require_columns, require_one, require_unique, series_keys

__all__ = ["like_periods", "nearest_in_size", "period_total", "rank", "rank_change"]


def _bounds(value: str, qualifier: str | None) -> tuple[pl.Expr, pl.Expr]:
    v = pl.col(value).cast(pl.Float64)
    if qualifier is None:
        return v, v
    q = pl.col(qualifier).cast(pl.String)
    lo = pl.when(q == "under").then(pl.lit(float("-inf"))).otherwise(v)
    hi = pl.when(q == "over").then(pl.lit(float("inf"))).otherwise(v)
    return lo, hi


def rank(
    df: pl.DataFrame,
    *,
    period: str | None = "month",
    entity: str = "entity",
    value: str = "value",
    name: str = "rank",
    qualifier: str = "qualifier",
    upper: str | None = None,
    unpublished: bool = False,
) -> pl.DataFrame:
    """Rank of each entity within its period (1 = largest; ties share the better rank).

    Adds ``name`` and ``<name>_certain``: False when another entity's figure in the same
    period could lie on the other side because one of the two is a bound (their ranges overlap).
    ``period=None`` ranks the whole frame as one period (e.g. totals over common months).

    ``upper`` names a column with a known ceiling on an entity's figure (for a brand, its
    alliance's total less the other brands' published figures): a lower bound can then only
    reach that far. With ``unpublished=True``, rows whose value is null are members that have
    not published: they are not ranked, but their figure could be anywhere from 0 to their
    ``upper`` (or without limit), so a rank they could take is not settled.

    >>> import polars as pl
    >>> df = pl.DataFrame({"month": [1, 1, 1], "entity": ["A", "B", "C"], "value": [50, 40, 45],
    ...                    "qualifier": ["exact", "over", "exact"]})
    >>> rank(df).sort("entity").select("entity", "rank", "rank_certain").rows()
    [('A', 1, False), ('B', 3, False), ('C', 2, False)]
    >>> capped = df.with_columns(cap=pl.Series([None, 47.0, None]))
    >>> rank(capped, upper="cap").sort("entity").select("entity", "rank_certain").rows()
    [('A', True), ('B', False), ('C', False)]
    >>> late = pl.DataFrame({"month": [1, 1, 1], "entity": ["A", "B", "C"], "value": [50, 10, None],
    ...                      "qualifier": ["exact", "exact", None], "cap": [None, None, 30.0]})
    >>> rank(late, upper="cap", unpublished=True).select("entity", "rank", "rank_certain").rows()
    [('A', 1, True), ('B', 2, False)]
    """
    groups = series_keys(df, period)
    require_columns(df, [*groups, entity, value, *([upper] if upper else [])], name)
    require_unique(df, [*groups, entity], name)
    known = df.filter(pl.col(value).is_not_null())
    order = pl.col(value).rank("min", descending=True)
    ranked = known.with_columns((order.over(groups) if groups else order).cast(pl.Int64).alias(name))
    q = qualifier if has_qualifier(df, qualifier) else None
    lo, hi = _bounds(value, q)
    if upper:
        hi = pl.min_horizontal(hi, pl.col(upper).cast(pl.Float64).fill_null(float("inf")))
    spans = ranked.select(*groups, entity, lo.alias("_lo"), hi.alias("_hi"))
    others = spans
    if unpublished:
        ceiling = pl.col(upper).cast(pl.Float64).fill_null(float("inf")) if upper else pl.lit(float("inf"))
        absent = df.filter(pl.col(value).is_null()).select(
            *groups, entity, pl.lit(0.0).alias("_lo"), ceiling.alias("_hi")
        )
        others = pl.concat([spans, absent])
    paired = spans.join(others, on=groups, suffix="_o") if groups else spans.join(others, how="cross", suffix="_o")
    pairs = paired.filter(pl.col(entity) != pl.col(f"{entity}_o"))
    overlap = pairs.filter(
        (pl.col("_lo") < pl.col("_hi_o"))
        & (pl.col("_lo_o") < pl.col("_hi"))
        & ((pl.col("_lo") != pl.col("_hi")) | (pl.col("_lo_o") != pl.col("_hi_o")))
    )
    doubtful = overlap.select(*groups, entity).unique().with_columns(pl.lit(False).alias(f"{name}_certain"))
    out = ranked.join(doubtful, on=[*groups, entity], how="left", nulls_equal=True).with_columns(
        pl.col(f"{name}_certain").fill_null(True)
    )
    return out.sort([*groups, name, entity])


def rank_change(
    df: pl.DataFrame, *, months: int = 1, period: str = "month", entity: str = "entity", name: str = "rank"
) -> pl.DataFrame:
    """``rank[t - months] - rank[t]`` per entity (positive: moved up), from a frame that
    already has ``name`` (see :func:`rank`); null when the entity was not ranked then.

    >>> import datetime as dt, polars as pl
    >>> r = pl.DataFrame({"month": [dt.date(2025, 1, 1)] * 2 + [dt.date(2025, 2, 1)] * 2,
    ...                   "entity": ["A", "B", "A", "B"], "rank": [1, 2, 2, 1]})
    >>> rank_change(r).filter(pl.col("month") == dt.date(2025, 2, 1)).select("entity", "rank_change").rows()
    [('A', -1), ('B', 1)]
    """
    keys = series_keys(df, entity)
    require_columns(df, [*keys, period, name], f"{name}_change")
    prev = df.select(*keys, pl.col(period).dt.offset_by(f"{months}mo").alias(period), pl.col(name).alias("_prev"))
    return (
        df.join(prev, on=[*keys, period], how="left")
        .with_columns((pl.col("_prev") - pl.col(name)).alias(f"{name}_change"))
        .drop("_prev")
        .sort([period, *keys])
    )


def like_periods(
    df: pl.DataFrame,
    *,
    period: str = "month",
    entity: str = "entity",
    value: str = "value",
    entities: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Only the periods in which every entity (default: every entity in the frame) has a
    value: the common ground on which makers can be compared.

    >>> import polars as pl
    >>> df = pl.DataFrame({"month": [1, 1, 2, 3, 3], "entity": ["A", "B", "A", "A", "B"], "value": [1, 2, 3, 4, 5]})
    >>> like_periods(df)["month"].unique().sort().to_list()
    [1, 3]
    """
    require_columns(df, [period, entity, value], "like_periods")
    require_one(df, [], "like_periods")
    wanted = list(entities) if entities is not None else df[entity].cast(pl.String).unique().to_list()
    present = df.filter(pl.col(value).is_not_null() & pl.col(entity).cast(pl.String).is_in(wanted))
    full = present.group_by(period).agg(pl.col(entity).n_unique().alias("_n")).filter(pl.col("_n") == len(wanted))
    return df.filter(pl.col(entity).cast(pl.String).is_in(wanted)).join(full.select(period), on=period)


def period_total(
    df: pl.DataFrame,
    *,
    periods: Sequence,
    period: str = "month",
    entity: str = "entity",
    value: str = "value",
    name: str = "total",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Each entity's total over exactly ``periods`` (e.g. the like months of a window): null
    for an entity missing any of them. ``<name>_qualifier`` follows the sum rule; ``<name>_n``
    counts the periods summed.

    >>> import polars as pl
    >>> df = pl.DataFrame({"month": [1, 2, 1], "entity": ["A", "A", "B"], "value": [10, 20, 5],
    ...                    "qualifier": ["exact", "over", "exact"]})
    >>> period_total(df, periods=[1, 2]).sort("entity").rows()
    [('A', 30, 'over', 2), ('B', None, None, 1)]
    """
    keys = series_keys(df, entity)
    require_columns(df, [*keys, period, value], name)
    wanted = list(periods)
    rows = df.filter(pl.col(period).is_in(wanted) & pl.col(value).is_not_null())
    q = has_qualifier(df, qualifier)
    agg = rows.group_by(keys).agg(
        pl.col(value).sum().alias("_sum"),
        pl.len().cast(pl.Int64).alias(f"{name}_n"),
        *([qualifier_of_sum(qualifier).alias(f"{name}_qualifier")] if q else []),
    )
    complete = pl.col(f"{name}_n") == len(wanted)
    out = agg.with_columns(
        (
            bounded_value(pl.when(complete).then(pl.col("_sum")), f"{name}_qualifier")
            if q
            else pl.when(complete).then(pl.col("_sum"))
        ).alias(name)
    )
    if q:
        out = out.with_columns(pl.when(complete).then(pl.col(f"{name}_qualifier")).alias(f"{name}_qualifier"))
    cols = [*keys, name, *([f"{name}_qualifier"] if q else []), f"{name}_n"]
    return out.select(cols).sort(keys)


def nearest_in_size(
    subject: pl.DataFrame,
    peers: pl.DataFrame,
    *,
    k: int = 3,
    months: int = 12,
    min_common: int = 3,
    period: str = "month",
    entity: str = "entity",
    value: str = "value",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """The ``k`` peers nearest in size to ``subject`` on like months: for each peer, the months
    in the last ``months`` months of the subject's record (ending at its latest point figure)
    in which both published a point figure, and the distance
    ``|ln(median(peer) / median(subject))|`` over exactly those months. Peers with fewer than
    ``min_common`` such months are not ranked.

    A peer that published in at least ``min_common`` of those months but mostly bounds (fewer
    than ``min_common`` point figures) is not left out silently: it is listed after the ranked
    peers with ``ranked`` False, its ``median`` the median of every figure it published in those
    months and ``median_qualifier`` that median's mark by the sum rule (the median of lower
    bounds is a lower bound: "> 30,000"; bounds pulling both ways, or a bound beside an
    approximate figure, give null), and ``distance`` the least distance its bound allows
    (``ln(bound / subject median)`` for a lower bound above the subject's median, 0 when the bound
    does not settle which is larger). It is listed only when that least distance does not exceed
    the farthest ranked peer's (or fewer than ``k`` are ranked): a peer that could be among the
    nearest, though where is not known. One certainly farther away is left out, as it would be
    if ranked.

    Returns ``entity``, ``common_months``, ``point_months`` (how many of them are point figures),
    ``first``, ``last``, ``median``, ``median_qualifier``, ``subject_median``, ``distance`` and
    ``ranked``: the ranked peers nearest first (ties by entity), then the unranked by entity.

    >>> import datetime as dt
    >>> m = [dt.date(2025, i, 1) for i in (1, 2, 3, 4)]
    >>> me = pl.DataFrame({"month": m, "entity": ["X"] * 4, "value": [10, 12, 11, 9], "qualifier": ["exact"] * 4})
    >>> peers = pl.DataFrame({"month": m * 4, "entity": ["A"] * 4 + ["B"] * 4 + ["C"] * 4 + ["D"] * 4,
    ...                       "value": [40, 42, 41, 39, 12, 13, 11, 10, 9, 9, None, None, 9, 10, 11, 12],
    ...                       "qualifier": ["exact"] * 12 + ["over"] * 4})
    >>> nearest_in_size(me, peers, k=2).select("entity", "common_months", "median_qualifier", "ranked").rows()
    [('B', 4, 'exact', True), ('A', 4, 'exact', True), ('D', 4, 'over', False)]
    """
    require_columns(subject, [period, value], "nearest_in_size (subject)")
    require_columns(peers, [period, entity, value], "nearest_in_size (peers)")
    q_of = has_qualifier(peers, qualifier)
    is_point = ~pl.col(qualifier).cast(pl.String).is_in(["over", "under"]) if q_of else pl.lit(True)

    def points(df: pl.DataFrame) -> pl.DataFrame:
        keep = pl.col(value).is_not_null()
        if has_qualifier(df, qualifier):
            keep = keep & ~pl.col(qualifier).cast(pl.String).is_in(["over", "under"])
        return df.filter(keep)

    mine = points(subject)
    latest = mine[period].max()
    schema = {
        entity: pl.String,
        "common_months": pl.UInt32,
        "point_months": pl.UInt32,
        "first": pl.Date,
        "last": pl.Date,
        "median": pl.Float64,
        "median_qualifier": pl.String,
        "subject_median": pl.Float64,
        "distance": pl.Float64,
        "ranked": pl.Boolean,
    }
    if latest is None:
        return pl.DataFrame(schema=schema)
    window = mine.filter(pl.col(period) > pl.lit(latest).dt.offset_by(f"-{months}mo")).select(
        period, pl.col(value).cast(pl.Float64).alias("_mine")
    )
    qcol = pl.col(qualifier).cast(pl.String) if q_of else pl.lit("exact")
    both = (
        peers.filter(pl.col(value).is_not_null())
        .with_columns(pl.col(entity).cast(pl.String), qcol.alias("_q"), is_point.alias("_point"))
        .join(window, on=period)
    )
    span = [pl.col(period).min().alias("first"), pl.col(period).max().alias("last")]
    ranked = (
        both.filter(pl.col("_point"))
        .group_by(entity)
        .agg(
            pl.len().alias("common_months"),
            pl.len().alias("point_months"),
            *span,
            pl.col(value).cast(pl.Float64).median().alias("median"),
            qualifier_of_sum("_q").alias("median_qualifier"),
            pl.col("_mine").median().alias("subject_median"),
        )
        .filter((pl.col("common_months") >= min_common) & (pl.col("median") > 0) & (pl.col("subject_median") > 0))
        .with_columns(
            (pl.col("median") / pl.col("subject_median")).log().abs().alias("distance"), pl.lit(True).alias("ranked")
        )
        .sort("distance", entity)
        .head(k)
    )
    # Peers with enough months but too few point figures among them: bounds, placed by what they allow.
    bounded = (
        both.group_by(entity)
        .agg(
            pl.len().alias("common_months"),
            pl.col("_point").sum().alias("point_months"),
            *span,
            pl.col(value).cast(pl.Float64).median().alias("_median"),
            qualifier_of_sum("_q").alias("median_qualifier"),
            pl.col("_mine").median().alias("subject_median"),
        )
        .filter(
            (pl.col("common_months") >= min_common)
            & (pl.col("point_months") < min_common)
            & (pl.col("subject_median") > 0)
        )
        .with_columns(bounded_value("_median", "median_qualifier").alias("median"))
    )
    ratio = (pl.col("median") / pl.col("subject_median")).log()
    least = (
        pl.when((pl.col("median_qualifier") == "over") & (ratio > 0))
        .then(ratio)
        .when((pl.col("median_qualifier") == "under") & (ratio < 0))
        .then(-ratio)
        .otherwise(pl.lit(0.0))
    )
    farthest = ranked["distance"].max() if ranked.height >= k else None
    unranked = bounded.with_columns(least.alias("distance"), pl.lit(False).alias("ranked")).drop("_median")
    if farthest is not None:
        unranked = unranked.filter(pl.col("distance") <= farthest)
    out = pl.concat([ranked.select(list(schema)), unranked.sort(entity).select(list(schema))])
    return out.cast(schema)  # type: ignore[arg-type]
