"""A forecast checked against what has been published since for its months."""

from __future__ import annotations

import polars as pl

_APPROX = ("about", "rounded")


def against_record(forecast: pl.DataFrame, totals: pl.DataFrame, parts: pl.DataFrame | None = None) -> pl.DataFrame:
    """Check a forecast against figures already published for its months.

    ``forecast`` has ``month``, ``mean``, ``lower``, ``upper``; ``totals`` has ``month`` and
    ``value`` (published figures of the forecast series); ``parts`` (optional) has ``month``,
    ``value`` and ``qualifier`` for parts of the series (e.g. brand figures of an alliance):
    their sum is a floor under the total whenever none of them is an upper bound.

    Output per forecast month: ``published``; ``parts_floor`` (the parts' sum) with
    ``parts_floor_qualifier`` ("about" when any part is approximate or rounded, "over" when any
    is a lower bound, else "exact"); ``parts`` (how many); ``parts_share = parts_floor / mean``,
    a fraction, with the same qualifier (``parts_share_qualifier``): how much of the forecast
    the parts published so far already make up; and ``check``: whether the published figure
    fell inside the interval, or what share of the forecast the parts make up (too low when
    they exceed it).

    >>> import datetime as dt, polars as pl
    >>> f = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "mean": [45_000.0], "lower": [None], "upper": [None]})
    >>> p = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "value": [18_000], "qualifier": ["about"]})
    >>> out = against_record(f, pl.DataFrame(schema={"month": pl.Date, "value": pl.Int64}), p)
    >>> out["parts_share"][0], out["check"][0]
    (0.4, 'the published parts (≈ 18,000) already make up ≈ 40% of the forecast')
    >>> f2 = f.with_columns(pl.lit(15_000.0).alias("mean"))
    >>> against_record(f2, pl.DataFrame(schema={"month": pl.Date, "value": pl.Int64}), p)["check"][0]
    'the published parts (≈ 18,000) exceed the forecast: too low'
    """
    from ..display.formatting import fmt_q

    out = forecast.select("month", "mean", "lower", "upper").join(
        totals.select("month", pl.col("value").cast(pl.Float64).alias("published")), on="month", how="left"
    )
    if parts is not None and parts.height:
        q = pl.col("qualifier").cast(pl.String)
        floor = parts.group_by("month").agg(
            pl.when(~q.is_in(["under"]).any()).then(pl.col("value").sum()).cast(pl.Float64).alias("parts_floor"),
            pl.when(q.is_in(list(_APPROX)).any())
            .then(pl.lit("about"))
            .when(q.is_in(["over"]).any())
            .then(pl.lit("over"))
            .otherwise(pl.lit("exact"))
            .alias("parts_floor_qualifier"),
            pl.len().cast(pl.Int64).alias("parts"),
        )
        out = out.join(floor, on="month", how="left")
    else:
        out = out.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("parts_floor"),
            pl.lit(None, dtype=pl.String).alias("parts_floor_qualifier"),
            pl.lit(None, dtype=pl.Int64).alias("parts"),
        )
    out = out.with_columns(
        pl.when(pl.col("mean") > 0).then(pl.col("parts_floor") / pl.col("mean")).alias("parts_share"),
        pl.when(pl.col("parts_floor").is_not_null())
        .then(pl.col("parts_floor_qualifier"))
        .alias("parts_floor_qualifier"),
    ).with_columns(pl.col("parts_floor_qualifier").alias("parts_share_qualifier"))
    rows = []
    for r in out.iter_rows(named=True):
        if r["published"] is not None:
            inside = (r["lower"] is None or r["published"] >= r["lower"]) and (
                r["upper"] is None or r["published"] <= r["upper"]
            )
            if r["lower"] is None and r["upper"] is None:
                rows.append("published; the forecast has no interval to check it against")
            else:
                rows.append(
                    "published figure inside the interval" if inside else "published figure outside the interval"
                )
        elif r["parts_floor"] is not None:
            parts_text = fmt_q(r["parts_floor"], r["parts_floor_qualifier"])
            if r["mean"] is None or r["mean"] < r["parts_floor"]:
                rows.append(f"the published parts ({parts_text}) exceed the forecast: too low")
            else:
                share = fmt_q(r["parts_share"], r["parts_share_qualifier"], kind="pct")
                rows.append(f"the published parts ({parts_text}) already make up {share} of the forecast")
        else:
            rows.append("nothing published yet for this month")
    return out.with_columns(pl.Series("check", rows, dtype=pl.String))


_IMPLIED_SCHEMA = {
    "month": pl.Date,
    "entity": pl.String,
    "value": pl.Float64,
    "qualifier": pl.String,
    "share_min": pl.Float64,
    "share_min_qualifier": pl.String,
    "share_min_month": pl.Date,
    "share_max": pl.Float64,
    "share_max_qualifier": pl.String,
    "share_max_month": pl.Date,
    "share_months": pl.Int64,
    "window_start": pl.Date,
    "window_end": pl.Date,
    "implied_low": pl.Float64,
    "implied_high": pl.Float64,
    "implied_low_qualifier": pl.String,
    "implied_high_qualifier": pl.String,
}


def _with_share_mark(mark: pl.Expr, share_qualifier: pl.Expr) -> pl.Expr:
    """A part's mark made ``about`` when the share it is divided by is approximate (a bound keeps
    its direction: the share's imprecision does not turn it)."""
    return pl.when((mark == "exact") & share_qualifier.is_in(list(_APPROX))).then(pl.lit("about")).otherwise(mark)


def implied_totals(parts: pl.DataFrame, shares: pl.DataFrame, *, months: int | None = 12) -> pl.DataFrame:
    """The total implied by a published part and the part's historical share of the total.

    Only the shares of the ``months`` months before the latest part count (``None``: all of
    them): a share from before the alliance's newer brands arrived says little about today's.
    Twelve months reach back to the same month a year earlier, so a seasonal low (February, the
    New Year trough) is in the range when it was published.

    ``parts`` has ``month``, ``entity``, ``value``, ``qualifier`` (figures of a part, e.g. a
    brand, for months whose total is not published); ``shares`` has ``month``, ``entity`` and
    ``share`` (fraction), the part's share of the total over the months where both were published
    (bounds left out), and optionally ``share_qualifier``. Over those months the share ran from
    ``share_min`` to ``share_max`` (each with its qualifier, ``share_min_qualifier`` and
    ``share_max_qualifier``: "about" when the share comes from a rounded or approximate figure), so:

    - ``implied_low = value / share_max`` and ``implied_high = value / share_min`` (vehicles);
    - a lower-bound part (``over``) bounds only the low end from below (``implied_high`` is
      null); an upper-bound part (``under``) bounds only the high end from above;
    - each end carries the part's mark, and is ``about`` when the part or the share it divides
      by is approximate or rounded.

    This is a bound computed from the record, not a forecast: a share outside its past range
    would move it. A part with no share history is left out.

    >>> import datetime as dt, polars as pl
    >>> m = dt.date(2026, 2, 1)
    >>> parts = pl.DataFrame({"month": [m], "entity": ["AITO"], "value": [18_000], "qualifier": ["about"]})
    >>> sh = pl.DataFrame({"month": [dt.date(2025, k, 1) for k in (1, 2, 3)], "entity": ["AITO"] * 3,
    ...                    "share": [0.6, 0.5, 0.75]})
    >>> r = implied_totals(parts, sh, months=None).row(0, named=True)
    >>> r["share_min"], r["share_max"], r["share_months"], r["implied_low"], r["implied_high"]
    (0.5, 0.75, 3, 24000.0, 36000.0)
    >>> r = implied_totals(parts, sh).row(0, named=True)  # Feb and Mar 2025 lie in the 12 months before
    >>> r["share_months"], r["window_start"], r["window_end"]
    (2, datetime.date(2025, 2, 1), datetime.date(2026, 1, 1))
    """
    if parts.is_empty() or shares.is_empty():
        return pl.DataFrame(schema=_IMPLIED_SCHEMA)
    sq = pl.col("share_qualifier").cast(pl.String) if "share_qualifier" in shares.columns else pl.lit("exact")
    s = shares.filter(pl.col("share").is_not_null() & (pl.col("share") > 0)).with_columns(
        pl.col("entity").cast(pl.String), sq.alias("share_qualifier")
    )
    if months is None:
        window = (pl.col("month").min(), pl.col("month").max())
    else:
        latest = pl.lit(parts["month"].max())
        window = (latest.dt.offset_by(f"-{months}mo"), latest.dt.offset_by("-1mo"))
        s = s.filter(pl.col("month").is_between(*window))
    ranges = s.group_by("entity").agg(
        window[0].alias("window_start"),
        window[1].alias("window_end"),
        pl.col("share").min().alias("share_min"),
        pl.col("share_qualifier").sort_by("share").first().alias("share_min_qualifier"),
        pl.col("month").sort_by("share").first().alias("share_min_month"),
        pl.col("share").max().alias("share_max"),
        pl.col("share_qualifier").sort_by("share").last().alias("share_max_qualifier"),
        pl.col("month").sort_by("share").last().alias("share_max_month"),
        pl.len().cast(pl.Int64).alias("share_months"),
    )
    q = pl.col("qualifier")
    out = (
        parts.select(
            "month",
            pl.col("entity").cast(pl.String),
            pl.col("value").cast(pl.Float64),
            pl.col("qualifier").cast(pl.String),
        )
        .join(ranges, on="entity", how="inner")
        .with_columns(
            pl.when(q != "under").then(pl.col("value") / pl.col("share_max")).alias("implied_low"),
            pl.when(q != "over").then(pl.col("value") / pl.col("share_min")).alias("implied_high"),
            pl.when(q.is_in(list(_APPROX))).then(pl.lit("about")).otherwise(q).alias("_mark"),
        )
        .with_columns(
            pl.when(pl.col("implied_low").is_not_null())
            .then(_with_share_mark(pl.col("_mark"), pl.col("share_max_qualifier")))
            .alias("implied_low_qualifier"),
            pl.when(pl.col("implied_high").is_not_null())
            .then(_with_share_mark(pl.col("_mark"), pl.col("share_min_qualifier")))
            .alias("implied_high_qualifier"),
        )
    )
    return out.select(list(_IMPLIED_SCHEMA)).cast(_IMPLIED_SCHEMA).sort("month", "entity")  # type: ignore[arg-type]


def against_implied(values: pl.DataFrame, implied: pl.DataFrame) -> pl.DataFrame:
    """Where each forecast value lies against the total implied by a published part
    (:func:`implied_totals`), for the same month.

    ``values`` has ``model``, ``month`` and ``mean``. Output, one row per model and implying
    part: ``mean``, ``entity``, ``implied_low``, ``implied_high`` (with qualifiers),
    ``position`` ("above" the high end, "below" the low end, else "inside"), ``gap`` (vehicles
    outside the range: ``mean - implied_high`` above, ``implied_low - mean`` below, 0 inside)
    and ``gap_share = gap / mean`` (fraction), both with the mark of the range end they are
    measured from (``gap_qualifier``, ``gap_share_qualifier``). The published parts point lower than a value
    above the range and higher than one below it.

    >>> import datetime as dt, polars as pl
    >>> m = dt.date(2026, 2, 1)
    >>> v = pl.DataFrame({"model": ["a", "b", "c"], "month": [m] * 3, "mean": [40_000.0, 30_000.0, 20_000.0]})
    >>> imp = pl.DataFrame({"month": [m], "entity": ["AITO"], "implied_low": [24_000.0], "implied_high": [36_000.0],
    ...                     "implied_low_qualifier": ["about"], "implied_high_qualifier": ["about"]})
    >>> r = against_implied(v, imp)
    >>> r["position"].to_list(), r["gap"].to_list(), r["gap_share"].to_list()
    (['above', 'inside', 'below'], [4000.0, 0.0, 4000.0], [0.1, 0.0, 0.2])
    """
    cols = ["month", "entity", "implied_low", "implied_high", "implied_low_qualifier", "implied_high_qualifier"]
    out = values.select("model", "month", pl.col("mean").cast(pl.Float64)).join(
        implied.select(cols), on="month", how="inner"
    )
    above = pl.col("implied_high").is_not_null() & (pl.col("mean") > pl.col("implied_high"))
    below = pl.col("implied_low").is_not_null() & (pl.col("mean") < pl.col("implied_low"))
    return (
        out.with_columns(
            pl.when(above)
            .then(pl.lit("above"))
            .when(below)
            .then(pl.lit("below"))
            .otherwise(pl.lit("inside"))
            .alias("position"),
            pl.when(above)
            .then(pl.col("mean") - pl.col("implied_high"))
            .when(below)
            .then(pl.col("implied_low") - pl.col("mean"))
            .otherwise(0.0)
            .alias("gap"),
        )
        .with_columns(
            pl.when(pl.col("mean") > 0).then(pl.col("gap") / pl.col("mean")).alias("gap_share"),
            pl.when(above)
            .then(pl.col("implied_high_qualifier"))
            .when(below)
            .then(pl.col("implied_low_qualifier"))
            .otherwise(pl.lit("exact"))
            .alias("gap_qualifier"),
        )
        .with_columns(pl.col("gap_qualifier").alias("gap_share_qualifier"))
    )


_DRAWN_SCHEMA = {
    "month": pl.Date,
    "kind": pl.String,
    "entity": pl.String,
    "model": pl.String,
    "value": pl.Float64,
    "qualifier": pl.String,
    "lower": pl.Float64,
    "lower_qualifier": pl.String,
    "upper": pl.Float64,
    "upper_qualifier": pl.String,
    "note": pl.String,
    "source_id": pl.String,
}
PUBLISHED, FORECAST, INDICATIVE, IMPLIED, PART = (
    "published",
    "forecast",
    "indicative value",
    "implied total",
    "published part",
)
"""The ``kind`` of each row of :func:`drawn_figures`, one per kind of mark on the chart."""


def _optional(frame: pl.DataFrame, column: str, dtype: type[pl.DataType] = pl.String) -> pl.Expr:
    """``column`` cast to ``dtype``, or a null of that type when ``frame`` has no such column."""
    return pl.col(column).cast(dtype) if column in frame.columns else pl.lit(None, dtype=dtype)


def drawn_figures(
    history: pl.DataFrame,
    *,
    whole: str,
    forecast: pl.DataFrame | None = None,
    values: pl.DataFrame | None = None,
    implied: pl.DataFrame | None = None,
    parts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every figure a forecast chart draws, one row per mark, so its download holds the data
    behind the whole chart: the published months of ``whole`` (``history``: ``month``,
    ``value``, optional ``qualifier`` and ``source_id``; months without a value are left out),
    the forecast path (``forecast``: ``month``, ``mean``, ``lower``, ``upper``, ``model``,
    optional ``note``), the indicative values (``values``: ``model``, ``month``, ``mean``), the
    implied range (``implied``, :func:`implied_totals`) and the published parts (``parts``:
    ``month``, ``entity``, ``value``, ``qualifier``, optional ``source_id``).

    Columns: ``month``, ``kind`` (:data:`PUBLISHED`, :data:`FORECAST`, :data:`INDICATIVE`,
    :data:`IMPLIED` or :data:`PART`), ``entity`` (``whole``, or the part's entity), ``model``,
    ``value`` with ``qualifier``, ``lower`` and ``upper`` (the prediction interval, or the implied
    range) with their qualifiers, ``note`` (a truncated interval, or which part implies the range)
    and ``source_id``. Sorted by month, then kind in that order.

    >>> import datetime as dt, polars as pl
    >>> jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    >>> hist = pl.DataFrame({"month": [jan], "value": [57_915], "qualifier": ["exact"], "source_id": ["s1"]})
    >>> vals = pl.DataFrame({"model": ["naive"], "month": [feb], "mean": [57_915.0]})
    >>> imp = pl.DataFrame({"month": [feb], "entity": ["AITO"], "implied_low": [20_061.0], "implied_high": [34_229.0],
    ...                     "implied_low_qualifier": ["about"], "implied_high_qualifier": ["about"]})
    >>> part = pl.DataFrame({"month": [feb], "entity": ["AITO"], "value": [18_000], "qualifier": ["about"]})
    >>> out = drawn_figures(hist, whole="HIMA", values=vals, implied=imp, parts=part)
    >>> out.select("kind", "entity", "value", "lower", "upper").rows()  # doctest: +NORMALIZE_WHITESPACE
    [('published', 'HIMA', 57915.0, None, None), ('indicative value', 'HIMA', 57915.0, None, None),
     ('implied total', 'HIMA', None, 20061.0, 34229.0), ('published part', 'AITO', 18000.0, None, None)]
    """
    rank = {k: i for i, k in enumerate((PUBLISHED, FORECAST, INDICATIVE, IMPLIED, PART))}
    opt = _optional
    pieces = [
        history.filter(pl.col("value").is_not_null()).select(
            "month",
            pl.lit(PUBLISHED).alias("kind"),
            pl.lit(whole).alias("entity"),
            pl.lit(None, dtype=pl.String).alias("model"),
            pl.col("value").cast(pl.Float64),
            opt(history, "qualifier").alias("qualifier"),
            opt(history, "source_id").alias("source_id"),
        )
    ]
    for frame, kind in ((forecast, FORECAST), (values, INDICATIVE)):
        if frame is not None and frame.height:
            pieces.append(
                frame.select(
                    "month",
                    pl.lit(kind).alias("kind"),
                    pl.lit(whole).alias("entity"),
                    pl.col("model").cast(pl.String),
                    pl.col("mean").cast(pl.Float64).alias("value"),
                    opt(frame, "lower", pl.Float64).alias("lower"),
                    opt(frame, "upper", pl.Float64).alias("upper"),
                    opt(frame, "note").alias("note"),
                )
            )
    if implied is not None and implied.height:
        pieces.append(
            implied.select(
                "month",
                pl.lit(IMPLIED).alias("kind"),
                pl.lit(whole).alias("entity"),
                pl.col("implied_low").alias("lower"),
                pl.col("implied_low_qualifier").cast(pl.String).alias("lower_qualifier"),
                pl.col("implied_high").alias("upper"),
                pl.col("implied_high_qualifier").cast(pl.String).alias("upper_qualifier"),
                pl.concat_str(
                    [pl.lit("implied by "), pl.col("entity").cast(pl.String), pl.lit("'s figure and its share range")]
                ).alias("note"),
            )
        )
    if parts is not None and parts.height:
        pieces.append(
            parts.select(
                "month",
                pl.lit(PART).alias("kind"),
                pl.col("entity").cast(pl.String),
                pl.col("value").cast(pl.Float64),
                opt(parts, "qualifier").alias("qualifier"),
                opt(parts, "source_id").alias("source_id"),
            )
        )
    out = pl.concat(
        [
            p.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in _DRAWN_SCHEMA.items() if c not in p.columns)
            .select(list(_DRAWN_SCHEMA))
            .cast(_DRAWN_SCHEMA)  # type: ignore[arg-type]
            for p in pieces
        ]
    )
    return (
        out.with_columns(pl.col("kind").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"))
        .sort("month", "_rank", "entity", "model", nulls_last=True)
        .drop("_rank")
    )
