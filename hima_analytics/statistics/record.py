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
