"""Competition: shares, concentration and the decomposition of a share change.

Shares are fractions. A share needs a declared denominator: either the sum of the parts (the
alliance) or an explicit market series whose measure the caller names, so that deliveries are
never silently divided by wholesale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from ._checks import as_list, require_columns, require_unique


def share_of_total(value: str = "value", *, over: str | Sequence[str] = "month") -> pl.Expr:
    """Each row's share of the total within ``over``: ``value / sum(value over group)``.

    Null when the group total is zero or negative. Within a group, shares sum to 1.

    >>> import polars as pl
    >>> df = pl.DataFrame({"month": [1, 1], "entity": ["AITO", "LUXEED"], "value": [44_836, 7_911]})
    >>> df.select(share_of_total().round(3))["value"].to_list()
    [0.85, 0.15]
    """
    total = pl.col(value).sum().over(over)
    return pl.when(total > 0).then(pl.col(value) / total)


def share_of_denominator(
    df: pl.DataFrame,
    denominator: pl.DataFrame,
    *,
    label: str,
    value: str = "value",
    month: str = "month",
    name: str = "share",
) -> pl.DataFrame:
    """Share of a declared market denominator: ``value / denominator[month]``.

    ``denominator`` has ``month`` and ``value`` columns (one row per month, e.g. CPCA NEV
    retail); ``label`` says what it is and is carried in a ``denominator`` column, so the
    comparison stays visible wherever the share goes. Months without a denominator give null.

    >>> import datetime as dt, polars as pl
    >>> m = [dt.date(2025, 6, 1)]
    >>> parts = pl.DataFrame({"entity": ["HIMA"], "month": m, "value": [52_747]})
    >>> market = pl.DataFrame({"month": m, "value": [1_000_000]})
    >>> share_of_denominator(parts, market, label="NEV retail (CPCA)").select("share", "denominator").row(0)
    (0.052747, 'NEV retail (CPCA)')
    """
    require_columns(df, [month, value], name)
    require_columns(denominator, [month, "value"], f"{name} (denominator)")
    require_unique(denominator, [month], f"{name} (denominator)")
    den = denominator.select(month, pl.col("value").alias("_den"))
    return (
        df.join(den, on=month, how="left")
        .with_columns((pl.when(pl.col("_den") > 0).then(pl.col(value) / pl.col("_den"))).alias(name),
                      pl.lit(label).alias("denominator"))
        .drop("_den")
    )


def concentration(df: pl.DataFrame, *, value: str = "value", period: str = "month",
                  entity: str = "entity") -> pl.DataFrame:
    """Concentration per period: Herfindahl–Hirschman index and top-1 share.

    Formula: ``hhi = sum(share_i ** 2)`` with shares as fractions (1.0 = one firm holds all;
    multiply by 10,000 for the antitrust convention). ``n`` counts the entities with a value:
    an HHI over an incomplete set of brands overstates concentration, so check it.

    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"month": [dt.date(2025, 6, 1)] * 2, "entity": ["AITO", "LUXEED"],
    ...                    "value": [75, 25]})
    >>> concentration(df).select("hhi", "top1_entity", "top1_share", "n").row(0)
    (0.625, 'AITO', 0.75, 2)
    """
    require_columns(df, [period, entity, value], "concentration")
    require_unique(df, [period, entity], "concentration")
    shares = df.filter(pl.col(value).is_not_null()).with_columns(share_of_total(value, over=period).alias("_s"))
    ordered = shares.sort([period, "_s", entity], descending=[False, True, False], nulls_last=True)
    return (
        ordered.group_by(period, maintain_order=True)
        .agg(
            (pl.col("_s") ** 2).sum().alias("hhi"),
            pl.col(entity).first().cast(pl.String).alias("top1_entity"),
            pl.col("_s").first().alias("top1_share"),
            pl.len().alias("n"),
            pl.col("_s").is_null().any().alias("_bad"),
        )
        .with_columns(pl.when(~pl.col("_bad")).then(pl.col(c)).alias(c) for c in ("hhi", "top1_share"))
        .drop("_bad")
        .sort(period)
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
    Every entity must have a value in both periods (use 0 explicitly for "not yet on sale").

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
    require_unique(df, [period, entity], "share_change_contributions")
    two = df.filter(pl.col(period).is_in([start, end])).with_columns(pl.col(entity).cast(pl.String))
    wide = two.pivot(on=period, index=entity, values=value).rename({str(start): "value_start", str(end): "value_end"})
    for c in ("value_start", "value_end"):
        if c not in wide.columns:
            raise ValueError(f"share_change_contributions: no rows for {start if c == 'value_start' else end}")
    gaps = wide.filter(pl.col("value_start").is_null() | pl.col("value_end").is_null())[entity].to_list()
    if gaps:
        raise ValueError(f"share_change_contributions: {gaps} lack a value in {start} or {end}; "
                         "a missing month is unknown, not zero. Pass 0 explicitly if the entity had no sales.")
    if target not in wide[entity].to_list():
        raise ValueError(f"share_change_contributions: target {target!r} not in {wide[entity].to_list()}")
    t0, t1 = wide["value_start"].sum(), wide["value_end"].sum()
    if t0 <= 0 or t1 <= 0:
        raise ValueError("share_change_contributions: totals must be positive in both periods")
    s0 = wide.filter(pl.col(entity) == target)["value_start"][0] / t0
    delta = pl.col("value_end") - pl.col("value_start")
    contrib = pl.when(pl.col(entity) == target).then((1 - s0) * delta / t1).otherwise(-s0 * delta / t1)
    return wide.with_columns(contrib.alias("contribution")).sort(entity)
