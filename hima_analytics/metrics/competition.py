"""Competition: shares, concentration and the decomposition of a share change.

Shares are fractions. A share needs a declared denominator: either the sum of the parts (the
alliance's brands, all of them present) or an explicit market series whose label the caller
names, so that deliveries are never silently divided by wholesale. Shares never pool two
measures, perimeters or units: each ``(period, measure, perimeter, unit)`` group is its own
total, and a part that is missing makes the total unknown (shares null), never smaller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from ..errors import MixedSeriesError
from .qualifiers import bounded_value, direction, qualifier_of_ratio, qualifier_of_share, qualifier_of_sum
from .series import has_qualifier, require_columns, require_one, require_unique, series_keys, valid_base

__all__ = ["concentration", "share_change_contributions", "share_of_denominator", "share_of_total"]


def share_of_total(
    df: pl.DataFrame,
    *,
    period: str = "month",
    entity: str = "entity",
    value: str = "value",
    parts: Sequence[str] | None = None,
    name: str = "share",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Each part's share of the total of its group: ``value / sum(value over group)``.

    A group is a ``period`` plus every series dimension the frame has (measure, perimeter,
    unit). ``parts`` lists the entities the total is made of (default: every entity in the
    frame); a group in which any of them has no value gets null shares, since its total is
    unknown. Pass 0 explicitly for a part that had no sales (not yet launched). Adds ``name``,
    ``<name>_parts`` (parts with a value in the group) and, with a qualifier column,
    ``<name>_qualifier`` (rule 4 of :mod:`~.qualifiers`). Within a complete group shares sum to 1.

    >>> import polars as pl
    >>> df = pl.DataFrame({"month": [1, 1, 2], "entity": ["AITO", "LUXEED", "AITO"],
    ...                    "value": [44_836, 7_911, 40_000]})
    >>> share_of_total(df).select("month", "entity", pl.col("share").round(3)).rows()
    [(1, 'AITO', 0.85), (1, 'LUXEED', 0.15), (2, 'AITO', None)]
    """
    groups = series_keys(df, period)
    require_columns(df, [*groups, entity, value], name)
    require_unique(df, [*groups, entity], name)
    expected = list(parts) if parts is not None else df[entity].cast(pl.String).unique().to_list()
    known = pl.col(value).is_not_null() & pl.col(entity).cast(pl.String).is_in(expected)
    n_parts = known.sum().over(groups)
    total = pl.col(value).filter(known).sum().over(groups)
    complete = n_parts == len(expected)
    share = pl.when(known & complete & valid_base(total)).then(pl.col(value) / total)
    out = df.with_columns(n_parts.cast(pl.Int64).alias(f"{name}_parts"))
    if not has_qualifier(df, qualifier):
        return out.with_columns(share.alias(name))
    # The other parts' qualifier: the group's directions and ranks without the row's own.
    d = direction(qualifier)
    up_others = ((d == 1) & known).sum().over(groups) - ((d == 1) & known).cast(pl.UInt32)
    down_others = ((d == -1) & known).sum().over(groups) - ((d == -1) & known).cast(pl.UInt32)
    points = qualifier_of_sum(pl.col(qualifier).filter(known & (d == 0))).over(groups).fill_null("exact")
    others = (
        pl.when(up_others > 0)
        .then(pl.when(down_others > 0).then(None).otherwise(pl.lit("over")))
        .when(down_others > 0)
        .then(pl.lit("under"))
        .otherwise(points)
    )
    q = pl.when(share.is_not_null()).then(qualifier_of_share(qualifier, others.cast(pl.String)))
    return (
        out.with_columns(q.alias(f"{name}_qualifier"))
        .with_columns(bounded_value(share, f"{name}_qualifier").alias(name))
        .select(*out.columns, name, f"{name}_qualifier")
    )


def share_of_denominator(
    df: pl.DataFrame,
    denominator: pl.DataFrame,
    *,
    label: str,
    value: str = "value",
    period: str = "month",
    name: str = "share",
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Share of a declared market denominator: ``value / denominator[period]``.

    ``denominator`` has ``period`` and ``value`` columns (one row per period, e.g. CPCA NEV
    retail; a ``qualifier`` column is used when present); ``label`` says what it is and is
    carried in a ``denominator`` column, so the comparison stays visible wherever the share goes.
    Periods without a denominator give null. The parts must be one measure and perimeter.

    >>> import datetime as dt, polars as pl
    >>> m = [dt.date(2025, 6, 1)]
    >>> parts = pl.DataFrame({"entity": ["HIMA"], "month": m, "value": [52_747]})
    >>> market = pl.DataFrame({"month": m, "value": [1_000_000]})
    >>> share_of_denominator(parts, market, label="NEV retail (CPCA)").select("share", "denominator").row(0)
    (0.052747, 'NEV retail (CPCA)')
    """
    require_columns(df, [period, value], name)
    require_columns(denominator, [period, "value"], f"{name} (denominator)")
    require_one(df, [], name)
    require_unique(denominator, [period], f"{name} (denominator)")
    den_q = has_qualifier(denominator, "qualifier")
    den = denominator.select(
        period, pl.col("value").alias("_den"), *([pl.col("qualifier").cast(pl.String).alias("_den_q")] if den_q else [])
    )
    out = df.join(den, on=period, how="left")
    share = pl.when(valid_base(pl.col("_den"))).then(pl.col(value) / pl.col("_den"))
    if has_qualifier(df, qualifier):
        den_qual = pl.col("_den_q") if den_q else pl.lit("exact")
        out = out.with_columns(
            pl.when(share.is_not_null()).then(qualifier_of_ratio(qualifier, den_qual)).alias(f"{name}_qualifier")
        )
        share_value: pl.Expr = bounded_value(share, f"{name}_qualifier")
    else:
        share_value = share
    return out.with_columns(share_value.alias(name), pl.lit(label).alias("denominator")).drop(
        [c for c in ("_den", "_den_q") if c in out.columns]
    )


def concentration(
    df: pl.DataFrame,
    *,
    value: str = "value",
    period: str = "month",
    entity: str = "entity",
    parts: Sequence[str] | None = None,
    qualifier: str = "qualifier",
) -> pl.DataFrame:
    """Concentration per period: Herfindahl–Hirschman index and top-1 share.

    Formula: ``hhi = sum(share_i ** 2)`` with shares as fractions (1.0 = one firm holds all;
    multiply by 10,000 for the antitrust convention). Shares come from :func:`share_of_total`,
    so a period with a missing part gives null. The HHI is not monotone in its parts, so a
    period whose parts include a bound also gives null. ``n`` counts the parts with a value.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"month": [dt.date(2025, 6, 1)] * 2, "entity": ["AITO", "LUXEED"],
    ...                    "value": [75, 25]})
    >>> concentration(df).select("hhi", "top1_entity", "top1_share", "n").row(0)
    (0.625, 'AITO', 0.75, 2)
    """
    groups = series_keys(df, period)
    require_columns(df, [*groups, entity, value], "concentration")
    shares = share_of_total(df, period=period, entity=entity, value=value, parts=parts, name="_s", qualifier=qualifier)
    shares = shares.filter(pl.col(value).is_not_null())
    bounded = (direction(qualifier) != 0) if has_qualifier(df, qualifier) else pl.lit(False)
    ordered = shares.sort([*groups, "_s", entity], descending=[False] * len(groups) + [True, False], nulls_last=True)
    return (
        ordered.group_by(groups, maintain_order=True)
        .agg(
            (pl.col("_s") ** 2).sum().alias("hhi"),
            pl.col(entity).first().cast(pl.String).alias("top1_entity"),
            pl.col("_s").first().alias("top1_share"),
            pl.len().alias("n"),
            (pl.col("_s").is_null().any() | bounded.any()).alias("_bad"),
        )
        .with_columns(pl.when(~pl.col("_bad")).then(pl.col(c)).alias(c) for c in ("hhi", "top1_share"))
        .with_columns(pl.when(~pl.col("_bad")).then(pl.col("top1_entity")).alias("top1_entity"))
        .drop("_bad")
        .sort(groups)
    )


def share_change_contributions(
    df: pl.DataFrame,
    *,
    target: str,
    start: dt.date,
    end: dt.date,
    value: str = "value",
    period: str = "month",
    entity: str = "entity",
) -> pl.DataFrame:
    """Split the change in ``target``'s share of the total between two periods into the
    contribution of each entity's volume change. The contributions sum exactly to the change.

    With ``S0 = A0 / T0`` and ``T1`` the later total:
    ``contribution(target) = (1 - S0) * (A1 - A0) / T1`` and
    ``contribution(other i) = -S0 * (b1_i - b0_i) / T1``.
    Every entity must have a value in both periods (use 0 explicitly for "not yet on sale"),
    the figures must be one measure and perimeter, and none may be a bound.

    AITO falls from 90 of 100 to 100 of 150 as Luxeed grows from 10 to 50; the share drops
    23.3 points, almost all of it from Luxeed's growth:

    >>> import datetime as dt, polars as pl
    >>> a, b = dt.date(2024, 1, 1), dt.date(2025, 1, 1)
    >>> df = pl.DataFrame({"month": [a, a, b, b], "entity": ["AITO", "LUXEED"] * 2, "value": [90, 10, 100, 50]})
    >>> out = share_change_contributions(df, target="AITO", start=a, end=b)
    >>> [(e, round(c, 4)) for e, c in out.select("entity", "contribution").rows()]
    [('AITO', 0.0067), ('LUXEED', -0.24)]
    """
    require_columns(df, [period, entity, value], "share_change_contributions")
    require_one(df, [], "share_change_contributions")
    require_unique(df, [period, entity], "share_change_contributions")
    two = df.filter(pl.col(period).is_in([start, end])).with_columns(pl.col(entity).cast(pl.String))
    if has_qualifier(two, "qualifier") and two.filter(direction("qualifier") != 0).height:
        bounds = two.filter(direction("qualifier") != 0).select(entity, period).rows()
        raise MixedSeriesError(
            f"share_change_contributions: {bounds} are bounds ('over'/'under'); a "
            "decomposition needs point figures. Hint: compare periods where every part is exact."
        )
    wide = two.pivot(on=period, index=entity, values=value).rename({str(start): "value_start", str(end): "value_end"})
    for c in ("value_start", "value_end"):
        if c not in wide.columns:
            raise ValueError(f"share_change_contributions: no rows for {start if c == 'value_start' else end}")
    gaps = wide.filter(pl.col("value_start").is_null() | pl.col("value_end").is_null())[entity].to_list()
    if gaps:
        raise ValueError(
            f"share_change_contributions: {gaps} lack a value in {start} or {end}; "
            "a missing month is unknown, not zero. Pass 0 explicitly if the entity had no sales."
        )
    if target not in wide[entity].to_list():
        raise ValueError(f"share_change_contributions: target {target!r} not in {wide[entity].to_list()}")
    t0, t1 = wide["value_start"].sum(), wide["value_end"].sum()
    if t0 <= 0 or t1 <= 0:
        raise ValueError("share_change_contributions: totals must be positive in both periods")
    s0 = wide.filter(pl.col(entity) == target)["value_start"][0] / t0
    delta = pl.col("value_end") - pl.col("value_start")
    contrib = pl.when(pl.col(entity) == target).then((1 - s0) * delta / t1).otherwise(-s0 * delta / t1)
    return wide.with_columns(contrib.alias("contribution")).sort(entity)
