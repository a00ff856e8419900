"""Progress against announced annual targets, and what quarterly guidance implies.

Targets and guidance are sourced facts (``delivery_target``, ``delivery_guidance_low`` /
``_high``). These functions compare them with published deliveries; every result carries a
qualifier by the rules of :mod:`~.qualifiers` (progress from a YTD lower bound is a lower
bound; the run-rate still needed from it is an upper bound).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .qualifiers import bounded_value, qualifier_of_difference, qualifier_of_ratio
from .series import require_columns, require_unique, valid_base

__all__ = ["guidance_implied", "target_progress"]


def target_progress(
    ytd: pl.DataFrame, targets: pl.DataFrame, *, entity: str = "entity", carry: Sequence[str] = ()
) -> pl.DataFrame:
    """Year-to-date progress against each entity's annual target.

    ``ytd`` has ``entity``, ``month`` (the latest month of the YTD), ``ytd`` and optionally
    ``ytd_qualifier`` (from :func:`~.deliveries.ytd`), and ``measure`` (what the YTD counts,
    e.g. "deliveries" or "wholesale") with ``source_id_measure`` (the source of a YTD that is
    not the deliveries series), both kept in the result so a table can say what the target was
    set against; ``targets`` has ``entity``, ``year``, ``target`` and optionally
    ``target_qualifier``, and ``target_high`` (with ``target_high_qualifier``) for the top of a
    range. For each entity and month:

    - ``progress = ytd / target`` (fraction of the target reached);
    - ``remaining = target - ytd`` (vehicles still to deliver), for a year still open;
    - ``months_left = 12 - month``;
    - ``needed_per_month = remaining / months_left`` (null in December or when nothing remains);
    - ``pace = ytd / month * 12 / target`` (the year's pace at the run-rate so far, as a
      fraction of the target);
    - ``shortfall = target - ytd`` for a year that is over (``months_left`` 0) and fell short
      (null when it met the target): in a closed year nothing is "still to deliver", so
      ``remaining`` is null there;
    - with ``target_high``: ``progress_high = ytd / target_high`` and ``needed_per_month_high =
      (target_high - ytd) / months_left``, the same figures against the top of the range.

    The ``carry`` columns of ``targets`` (how the target was worded, a range's top end, its
    source) come through unchanged, after the computed ones.

    >>> import datetime as dt, polars as pl
    >>> y = pl.DataFrame({"entity": ["LI"], "month": [dt.date(2025, 9, 1)], "ytd": [300_000],
    ...                   "ytd_qualifier": ["exact"]})
    >>> t = pl.DataFrame({"entity": ["LI"], "year": [2025], "target": [640_000.0], "target_qualifier": ["exact"]})
    >>> r = target_progress(y, t).row(0, named=True)
    >>> round(r["progress"], 4), r["remaining"], r["months_left"], round(r["needed_per_month"])
    (0.4688, 340000.0, 3, 113333)
    >>> target_progress(y, t.with_columns(wording=pl.lit("sales")), carry=["wording"])["wording"].to_list()
    ['sales']
    >>> ranged = t.with_columns(target_high=pl.lit(700_000.0))
    >>> r = target_progress(y, ranged).row(0, named=True)
    >>> round(r["progress_high"], 4), round(r["needed_per_month_high"])
    (0.4286, 133333)
    >>> over = y.with_columns(month=pl.lit(dt.date(2025, 12, 1)), ytd=pl.lit(600_000))
    >>> target_progress(over, t).select("remaining", "shortfall", "months_left").row(0)
    (None, 40000.0, 0)
    """
    carry = list(carry)
    require_columns(ytd, [entity, "month", "ytd"], "target_progress")
    require_columns(targets, [entity, "year", "target", *carry], "target_progress (targets)")
    if clash := [c for c in carry if c in ytd.columns and c not in (entity, "year")]:
        raise ValueError(
            f"target_progress: carried target column(s) {clash} also in the YTD frame; "
            "hint: drop or rename them in one of the two frames"
        )
    require_unique(targets, [entity, "year"], "target_progress (targets: one per entity and year)")
    measured = [c for c in ("measure", "source_id_measure") if c in ytd.columns]
    y = ytd.with_columns(pl.col(entity).cast(pl.String), pl.col("month").dt.year().alias("year"))
    y = y.select(
        entity,
        "year",
        "month",
        "ytd",
        *(["ytd_qualifier"] if "ytd_qualifier" in y.columns else []),
        *measured,
    )
    if "ytd_qualifier" not in y.columns:
        y = y.with_columns(pl.lit("exact").alias("ytd_qualifier"))
    t = targets.with_columns(pl.col(entity).cast(pl.String))
    if "target_qualifier" not in t.columns:
        t = t.with_columns(pl.lit("exact").alias("target_qualifier"))
    ranged = "target_high" in t.columns
    high_cols = ["target_high", "target_high_qualifier"] if ranged else []
    if ranged and "target_high_qualifier" not in t.columns:
        t = t.with_columns(pl.lit("exact").alias("target_high_qualifier"))
    t = t.select(
        entity,
        "year",
        "target",
        "target_qualifier",
        *[c for c in high_cols if c not in carry],
        *[c for c in carry if c not in (entity, "year", "target", "target_qualifier")],
    )
    out = y.join(t, on=[entity, "year"], how="inner")
    month = pl.col("month").dt.month().cast(pl.Int64)
    ok = valid_base(pl.col("target")) & pl.col("ytd").is_not_null()
    out = out.with_columns(
        pl.when(ok).then(qualifier_of_ratio("ytd_qualifier", "target_qualifier")).alias("progress_qualifier"),
        pl.when(ok).then(qualifier_of_difference("target_qualifier", "ytd_qualifier")).alias("_gap_qualifier"),
        (12 - month).alias("months_left"),
    )
    out = out.with_columns(
        bounded_value(pl.when(ok).then(pl.col("ytd") / pl.col("target")), "progress_qualifier").alias("progress"),
        bounded_value(pl.when(ok).then(pl.col("target") - pl.col("ytd")), "_gap_qualifier").alias("_gap"),
        bounded_value(pl.when(ok).then(pl.col("ytd") / month * 12 / pl.col("target")), "progress_qualifier").alias(
            "pace"
        ),
    )
    open_ = pl.col("months_left") > 0
    out = out.with_columns(
        pl.when(open_).then(pl.col("_gap")).alias("remaining"),
        pl.when(open_ & pl.col("_gap").is_not_null()).then(pl.col("_gap_qualifier")).alias("remaining_qualifier"),
        pl.when(~open_ & (pl.col("_gap") > 0)).then(pl.col("_gap")).alias("shortfall"),
        pl.when(~open_ & (pl.col("_gap") > 0)).then(pl.col("_gap_qualifier")).alias("shortfall_qualifier"),
        pl.when(open_ & (pl.col("_gap") > 0)).then(pl.col("_gap") / pl.col("months_left")).alias("needed_per_month"),
        pl.when(open_ & (pl.col("_gap") > 0)).then(pl.col("_gap_qualifier")).alias("needed_per_month_qualifier"),
        pl.col("progress_qualifier").alias("pace_qualifier"),
    )
    high = []
    if ranged:
        ok_high = valid_base(pl.col("target_high")) & pl.col("ytd").is_not_null()
        out = out.with_columns(
            pl.when(ok_high)
            .then(qualifier_of_ratio("ytd_qualifier", "target_high_qualifier"))
            .alias("progress_high_qualifier"),
            pl.when(ok_high)
            .then(qualifier_of_difference("target_high_qualifier", "ytd_qualifier"))
            .alias("_gap_high_qualifier"),
        )
        out = out.with_columns(
            bounded_value(
                pl.when(ok_high).then(pl.col("ytd") / pl.col("target_high")), "progress_high_qualifier"
            ).alias("progress_high"),
            bounded_value(pl.when(ok_high).then(pl.col("target_high") - pl.col("ytd")), "_gap_high_qualifier").alias(
                "_gap_high"
            ),
        )
        needs_high = open_ & (pl.col("_gap_high") > 0)
        out = out.with_columns(
            pl.when(needs_high).then(pl.col("_gap_high") / pl.col("months_left")).alias("needed_per_month_high"),
            pl.when(needs_high).then(pl.col("_gap_high_qualifier")).alias("needed_per_month_high_qualifier"),
        )
        high = ["progress_high", "progress_high_qualifier", "needed_per_month_high", "needed_per_month_high_qualifier"]
    return out.select(
        entity,
        "year",
        "month",
        "ytd",
        "ytd_qualifier",
        *measured,
        "target",
        "target_qualifier",
        "progress",
        "progress_qualifier",
        "pace",
        "pace_qualifier",
        "remaining",
        "remaining_qualifier",
        "months_left",
        "needed_per_month",
        "needed_per_month_qualifier",
        "shortfall",
        "shortfall_qualifier",
        *high,
        *carry,
    ).sort(entity, "month")


def guidance_implied(
    guidance: pl.DataFrame,
    months: pl.DataFrame,
    *,
    totals: pl.DataFrame | None = None,
    entity: str = "entity",
) -> pl.DataFrame:
    """What a quarter's delivery guidance implies for its months not yet published.

    ``guidance`` has ``entity``, ``period_start`` (the quarter's first day), ``low`` and
    ``high``; ``months`` has ``entity``, ``month`` and ``value`` (published deliveries). For
    each quarter: ``published`` (sum of the quarter's published months), ``months_published``,
    ``through`` (the latest of them), ``months_open`` and the range the open months must total
    to meet the guidance, ``implied_low = low - published`` and ``implied_high = high -
    published``. When all three months are published, the open range is empty (both null) and
    ``within`` says whether the quarter landed inside the guidance. These are implied by
    guidance, not published figures. Every month of ``months`` in the quarter counts: pass the
    months on record, not only those up to some earlier month.

    ``totals`` (``entity``, ``period_start``, ``value`` and optionally ``qualifier``): quarter
    totals published as such (e.g. in results). A quarter with one gets ``outcome`` (that
    total, with ``source_id_outcome``) and ``within`` from it, even when its months are not all
    published; ``within`` is null when a bound in the outcome leaves it undecided. ``landed``
    says "inside the range", "above the range" or "below the range".

    >>> import datetime as dt, polars as pl
    >>> g = pl.DataFrame({"entity": ["NIO"], "period_start": [dt.date(2025, 10, 1)], "low": [120_000.0],
    ...                   "high": [125_000.0]})
    >>> m = pl.DataFrame({"entity": ["NIO"] * 2, "month": [dt.date(2025, 10, 1), dt.date(2025, 11, 1)],
    ...                   "value": [40_397, 36_275]})
    >>> guidance_implied(g, m).select("months_open", "through", "implied_low", "implied_high").row(0)
    (1, datetime.date(2025, 11, 1), 43328.0, 48328.0)
    >>> q4 = pl.DataFrame({"entity": ["NIO"], "period_start": [dt.date(2025, 10, 1)], "value": [124_807]})
    >>> guidance_implied(g, m, totals=q4).select("outcome", "within", "landed").row(0)
    (124807.0, True, 'inside the range')
    """
    require_columns(guidance, [entity, "period_start", "low", "high"], "guidance_implied")
    require_columns(months, [entity, "month", "value"], "guidance_implied (months)")
    g = guidance.with_columns(pl.col(entity).cast(pl.String))
    m = months.with_columns(pl.col(entity).cast(pl.String), pl.col("month").dt.truncate("3mo").alias("period_start"))
    published = (
        m.filter(pl.col("value").is_not_null())
        .group_by(entity, "period_start")
        .agg(
            pl.col("value").sum().cast(pl.Float64).alias("published"),
            pl.len().cast(pl.Int64).alias("months_published"),
            pl.col("month").max().alias("through"),
        )
    )
    out = g.join(published, on=[entity, "period_start"], how="left").with_columns(
        pl.col("published").fill_null(0.0), pl.col("months_published").fill_null(0)
    )
    open_ = pl.col("months_published") < 3
    out = out.with_columns(
        (3 - pl.col("months_published")).alias("months_open"),
        pl.when(open_).then(pl.col("low") - pl.col("published")).alias("implied_low"),
        pl.when(open_).then(pl.col("high") - pl.col("published")).alias("implied_high"),
    )
    if totals is None:
        out = out.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("outcome"),
            pl.lit(None, dtype=pl.String).alias("outcome_qualifier"),
            pl.lit(None, dtype=pl.String).alias("source_id_outcome"),
        )
    else:
        t = totals.select(
            pl.col(entity).cast(pl.String),
            "period_start",
            pl.col("value").cast(pl.Float64).alias("outcome"),
            (pl.col("qualifier").cast(pl.String) if "qualifier" in totals.columns else pl.lit("exact")).alias(
                "outcome_qualifier"
            ),
            (pl.col("source_id").cast(pl.String) if "source_id" in totals.columns else pl.lit(None, pl.String)).alias(
                "source_id_outcome"
            ),
        ).unique([entity, "period_start"], keep="first", maintain_order=True)
        out = out.join(t, on=[entity, "period_start"], how="left")
    landed = pl.col("outcome").fill_null(pl.when(pl.col("months_published") == 3).then(pl.col("published")))
    q = pl.col("outcome_qualifier").fill_null("exact")
    decided = (
        pl.when(landed.is_null())
        .then(None)
        .when((landed >= pl.col("low")) & (landed <= pl.col("high")) & (q != "over") & (q != "under"))
        .then(True)
        .when((landed > pl.col("high")) & (q != "under"))
        .then(False)
        .when((landed < pl.col("low")) & (q != "over"))
        .then(False)
    )
    out = out.with_columns(decided.alias("within"))
    landed_where = (
        pl.when(pl.col("within"))
        .then(pl.lit("inside the range"))
        .when(pl.col("within").not_() & (landed > pl.col("high")))
        .then(pl.lit("above the range"))
        .when(pl.col("within").not_())
        .then(pl.lit("below the range"))
    )
    return out.with_columns(landed_where.alias("landed")).sort(entity, "period_start")
