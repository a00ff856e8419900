"""A forecast checked against what has been published since for its months."""

from __future__ import annotations

import polars as pl


def against_record(forecast: pl.DataFrame, totals: pl.DataFrame, parts: pl.DataFrame | None = None) -> pl.DataFrame:
    """Check a forecast against figures already published for its months.

    ``forecast`` has ``month``, ``mean``, ``lower``, ``upper``; ``totals`` has ``month`` and
    ``value`` (published figures of the forecast series); ``parts`` (optional) has ``month``,
    ``value`` and ``qualifier`` for parts of the series (e.g. brand figures of an alliance):
    their sum is a floor under the total whenever none of them is an upper bound. Output per
    forecast month: ``published``, ``parts_floor``, ``parts`` (how many), and ``check``: whether
    the published figure fell inside the interval, or whether the forecast is below the floor the
    parts set.

    >>> import datetime as dt, polars as pl
    >>> f = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "mean": [15_000.0], "lower": [9_000.0], "upper": [21_000.0]})
    >>> p = pl.DataFrame({"month": [dt.date(2026, 2, 1)], "value": [18_000], "qualifier": ["about"]})
    >>> against_record(f, pl.DataFrame(schema={"month": pl.Date, "value": pl.Int64}), p)["check"][0]
    'forecast mean below the published parts (18,000): too low'
    """
    out = forecast.select("month", "mean", "lower", "upper").join(
        totals.select("month", pl.col("value").cast(pl.Float64).alias("published")), on="month", how="left"
    )
    if parts is not None and parts.height:
        floor = parts.group_by("month").agg(
            pl.when(~pl.col("qualifier").cast(pl.String).is_in(["under"]).any())
            .then(pl.col("value").sum())
            .cast(pl.Float64)
            .alias("parts_floor"),
            pl.len().cast(pl.Int64).alias("parts"),
        )
        out = out.join(floor, on="month", how="left")
    else:
        out = out.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("parts_floor"), pl.lit(None, dtype=pl.Int64).alias("parts")
        )
    rows = []
    for r in out.iter_rows(named=True):
        if r["published"] is not None:
            inside = (r["lower"] is None or r["published"] >= r["lower"]) and (
                r["upper"] is None or r["published"] <= r["upper"]
            )
            rows.append("published figure inside the interval" if inside else "published figure outside the interval")
        elif r["parts_floor"] is not None:
            rows.append(
                f"forecast mean below the published parts ({r['parts_floor']:,.0f}): too low"
                if r["mean"] is not None and r["mean"] < r["parts_floor"]
                else f"consistent with the published parts ({r['parts_floor']:,.0f} at least)"
            )
        else:
            rows.append("nothing published yet for this month")
    return out.with_columns(pl.Series("check", rows, dtype=pl.String))
