"""Powertrain mix (BEV / EREV / PHEV) and the coverage it rests on.

Two sources of a mix, never pooled: published powertrain splits of a maker's own figure
(volume series with perimeter ``bev``, ``erev`` or ``phev`` against the maker's ``all``), and
model-level figures classified by each model's powertrain (from the entities table). A model
sold in several powertrains (``mixed``) cannot be split and is counted as such. The share
``covered`` says how much of the maker's published total the model figures account for, so a
mix resting on a few models is never read as the maker's.
"""

from __future__ import annotations

import polars as pl

from .qualifiers import bounded_value, qualifier_of_ratio, qualifier_of_share, qualifier_of_sum
from .series import require_columns

__all__ = ["powertrain_mix"]


def powertrain_mix(
    models: pl.DataFrame,
    powertrains: pl.DataFrame,
    *,
    totals: pl.DataFrame | None = None,
    period: str = "month",
    entity: str = "entity",
    parent: str = "parent",
    value: str = "value",
) -> pl.DataFrame:
    """Deliveries by powertrain per parent (brand or maker) and period, from model figures.

    ``models`` holds model-level figures (``entity``, ``parent``, ``period``, ``value``,
    optional ``qualifier``); ``powertrains`` maps ``entity`` to ``powertrain`` (BEV, EREV,
    PHEV, mixed; null = unknown), and may be the whole entities table (only those columns, and
    ``mixed_from`` / ``first_powertrain`` when present, are read); ``totals`` (optional) holds the parents' own figures
    (``entity``, ``period``, ``value``). Output per parent, period and powertrain: ``value``
    (sum, with ``value_qualifier``), ``models`` (models counted), ``share`` of the models'
    total, and ``covered`` = models' total / the parent's published total (null without one),
    each with its qualifier by the rules of :mod:`~.qualifiers`: the share of "over 7,500"
    beside "under 1,000" is "over 88%", and a share with bounds pulling both ways is null.

    >>> import polars as pl
    >>> m = pl.DataFrame({"entity": ["M7", "M9", "S7"], "parent": ["AITO", "AITO", "LUXEED"], "month": [1, 1, 1],
    ...                   "value": [20_000, 15_000, 3_000]})
    >>> p = pl.DataFrame({"entity": ["M7", "M9", "S7"], "powertrain": ["EREV", "mixed", "BEV"]})
    >>> t = pl.DataFrame({"entity": ["AITO"], "month": [1], "value": [44_000]})
    >>> powertrain_mix(m, p, totals=t).filter(pl.col("parent") == "AITO").select(
    ...     "powertrain", "value", pl.col("share").round(3), pl.col("covered").round(3)).rows()
    [('EREV', 20000, 0.571, 0.795), ('mixed', 15000, 0.429, 0.795)]

    A ``powertrains`` frame with ``mixed_from`` and ``first_powertrain`` counts a model that
    began in one powertrain as that one until the month its second launched:

    >>> import datetime as dt
    >>> m8 = pl.DataFrame({"entity": ["M8", "M8"], "parent": "AITO", "month": [dt.date(2025, 5, 1),
    ...                    dt.date(2025, 9, 1)], "value": [12_116, 20_000]})
    >>> p8 = pl.DataFrame({"entity": ["M8"], "powertrain": ["mixed"], "mixed_from": [dt.date(2025, 8, 25)],
    ...                    "first_powertrain": ["EREV"]})
    >>> powertrain_mix(m8, p8).sort("month").select("month", "powertrain").rows()
    [(datetime.date(2025, 5, 1), 'EREV'), (datetime.date(2025, 9, 1), 'mixed')]
    """
    require_columns(models, [entity, parent, period, value], "powertrain_mix")
    require_columns(powertrains, [entity, "powertrain"], "powertrain_mix (powertrains)")
    dated = {"mixed_from", "first_powertrain"} <= set(powertrains.columns)
    pt = powertrains.select(
        pl.col(entity).cast(pl.String),
        pl.col("powertrain").cast(pl.String).fill_null("unknown"),
        *(
            [pl.col("mixed_from").dt.truncate("1mo").alias("_mixed_from"), pl.col("first_powertrain").cast(pl.String)]
            if dated
            else []
        ),
    )
    m = models.filter(pl.col(value).is_not_null()).with_columns(
        pl.col(entity).cast(pl.String), pl.col(parent).cast(pl.String)
    )
    if "qualifier" not in m.columns:
        m = m.with_columns(pl.lit("exact").alias("qualifier"))
    m = m.join(pt, on=entity, how="left").with_columns(pl.col("powertrain").fill_null("unknown"))
    if dated:  # a model counts as mixed only from the month its second powertrain launched
        before = pl.col("_mixed_from").is_not_null() & (pl.col(period) < pl.col("_mixed_from"))
        m = m.with_columns(
            pl.when(before).then(pl.col("first_powertrain")).otherwise(pl.col("powertrain")).alias("powertrain")
        ).drop("_mixed_from", "first_powertrain")
    by = [parent, period, "powertrain"]
    mix = m.group_by(by).agg(
        pl.col(value).sum().alias(value),
        qualifier_of_sum("qualifier").alias(f"{value}_qualifier"),
        pl.col(entity).n_unique().cast(pl.Int64).alias("models"),
    )
    mix = mix.with_columns(bounded_value(value, f"{value}_qualifier").alias(value))
    group_total = pl.col(value).sum().over([parent, period])
    vq = f"{value}_qualifier"
    # The qualifier of the other powertrains' sum, row by row (rule 4 needs it for the share).
    others = (
        mix.select(*by, vq)
        .join(
            mix.select(parent, period, pl.col("powertrain").alias("_other"), pl.col(vq).alias("_oq")),
            on=[parent, period],
        )
        .filter(pl.col("powertrain") != pl.col("_other"))
        .group_by(by)
        .agg(qualifier_of_sum("_oq").alias("_others_q"))
    )
    mix = mix.join(others, on=by, how="left").with_columns(
        pl.col("_others_q").fill_null("exact"),
        qualifier_of_sum(vq).over([parent, period]).alias("_group_q"),
    )
    alone = pl.len().over([parent, period]) == 1  # one powertrain is the whole: exactly 100%
    mix = mix.with_columns(
        pl.when(alone).then(pl.lit("exact")).otherwise(qualifier_of_share(vq, "_others_q")).alias("share_qualifier")
    )
    mix = mix.with_columns(bounded_value(pl.col(value) / group_total, "share_qualifier").alias("share"))
    if totals is not None:
        t = totals.filter(pl.col(value).is_not_null()).select(
            pl.col(entity).cast(pl.String).alias(parent),
            period,
            pl.col(value).alias("_total"),
            (pl.col("qualifier").cast(pl.String) if "qualifier" in totals.columns else pl.lit("exact")).alias("_tq"),
        )
        mix = mix.join(t, on=[parent, period], how="left").with_columns(
            pl.when(pl.col("_total") > 0).then(qualifier_of_ratio("_group_q", "_tq")).alias("covered_qualifier")
        )
        mix = mix.with_columns(
            bounded_value(
                pl.when(pl.col("_total") > 0).then(group_total / pl.col("_total")), "covered_qualifier"
            ).alias("covered")
        ).drop("_total", "_tq")
    else:
        mix = mix.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("covered"), pl.lit(None, dtype=pl.String).alias("covered_qualifier")
        )
    return mix.drop("_others_q", "_group_q").sort(parent, period, "powertrain")
