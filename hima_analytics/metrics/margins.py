"""Margins and per-vehicle economics.

Ratios are fractions of revenue (0.289 means 28.9 %). A zero, negative or missing denominator
gives null. Money columns keep the unit of the financials table (``CNY_mn``); per-vehicle
figures come out in yuan per vehicle.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ..schemas import YUAN_PER_UNIT
from ._checks import as_list, require_columns, require_unique

_KEYS = ("company", "period_type", "period_start", "period_end")


def _col(c: str | pl.Expr) -> pl.Expr:
    return pl.col(c) if isinstance(c, str) else c


def ratio(numerator: str | pl.Expr, denominator: str | pl.Expr) -> pl.Expr:
    """``numerator / denominator``, null when the denominator is zero, negative or null.

    >>> import polars as pl
    >>> pl.DataFrame({"n": [1.0, 1.0], "d": [4.0, 0.0]}).select(ratio("n", "d").alias("r"))["r"].to_list()
    [0.25, None]
    """
    d = _col(denominator)
    return pl.when(d > 0).then(_col(numerator) / d)


def gross_margin(*, revenue: str | pl.Expr = "revenue", gross_profit: str | pl.Expr | None = "gross_profit",
                 cost_of_sales: str | pl.Expr | None = None) -> pl.Expr:
    """Gross margin: ``gross_profit / revenue``, or ``(revenue - cost_of_sales) / revenue`` when
    ``cost_of_sales`` is given instead. Fraction of revenue.

    >>> import polars as pl
    >>> df = pl.DataFrame({"revenue": [145_176.0], "cost_of_sales": [107_000.0]})
    >>> round(df.select(gross_margin(cost_of_sales="cost_of_sales", gross_profit=None))["revenue"][0], 4)
    0.263
    """
    if cost_of_sales is not None:
        return ratio(_col(revenue) - _col(cost_of_sales), revenue)
    if gross_profit is None:
        raise ValueError("gross_margin needs gross_profit= or cost_of_sales=")
    return ratio(gross_profit, revenue)


def net_margin(*, revenue: str | pl.Expr = "revenue",
               net_profit: str | pl.Expr = "net_profit_attributable") -> pl.Expr:
    """Net margin: ``net_profit / revenue`` (fraction; negative for a loss).

    >>> import polars as pl
    >>> df = pl.DataFrame({"revenue": [145_176.0], "net_profit_attributable": [5_946.0]})
    >>> round(df.select(net_margin())["net_profit_attributable"][0], 4)
    0.041
    """
    return ratio(net_profit, revenue)


def rd_intensity(*, revenue: str | pl.Expr = "revenue", rd_expense: str | pl.Expr = "rd_expense") -> pl.Expr:
    """R&D intensity: ``rd_expense / revenue`` (fraction).

    >>> import polars as pl
    >>> pl.DataFrame({"revenue": [800.0], "rd_expense": [179.7]}).select(rd_intensity())["rd_expense"][0]
    0.224625
    """
    return ratio(rd_expense, revenue)


def per_vehicle(*, amount: str | pl.Expr, units: str | pl.Expr, yuan_per_unit: float = 1_000_000.0) -> pl.Expr:
    """Money per vehicle in yuan: ``amount * yuan_per_unit / units``; null when units <= 0.

    ``yuan_per_unit`` converts the amount's unit to yuan (1e6 for ``CNY_mn``).
    Seres paid Huawei 20,000 CNY mn in H1 2025; over 142,857 vehicles that is 140,000 yuan each:

    >>> import polars as pl
    >>> df = pl.DataFrame({"fees": [20_000.0], "vehicles": [142_857]})
    >>> round(df.select(per_vehicle(amount="fees", units="vehicles"))["fees"][0])
    140000
    """
    return ratio(_col(amount) * yuan_per_unit, units)


def wide_financials(df: pl.DataFrame, *, metrics: Sequence[str] | None = None) -> pl.DataFrame:
    """Financials from long form (one metric per row) to one row per company and period, one
    column per metric, in the table's units. Every metric named in ``metrics`` gets a column,
    null where it was not reported. Raises if a metric mixes units or repeats a key.

    >>> import datetime as dt, polars as pl
    >>> long = pl.DataFrame({"company": ["S", "S"], "period_type": ["FY", "FY"],
    ...     "period_start": [dt.date(2024, 1, 1)] * 2, "period_end": [dt.date(2024, 12, 31)] * 2,
    ...     "metric": ["revenue", "gross_profit"], "value": [100.0, 25.0], "unit": ["CNY_mn"] * 2})
    >>> wide_financials(long).select("revenue", "gross_profit").row(0)
    (100.0, 25.0)
    """
    require_columns(df, [*_KEYS, "metric", "value", "unit"], "wide_financials")
    frame = df.with_columns(pl.col("metric").cast(pl.String))
    if metrics is not None:
        frame = frame.filter(pl.col("metric").is_in(list(metrics)))
    require_unique(frame, [*_KEYS, "metric"], "wide_financials")
    mixed = frame.group_by("company", "metric").agg(pl.col("unit").n_unique().alias("n")).filter(pl.col("n") > 1)
    if not mixed.is_empty():
        raise ValueError(f"wide_financials: mixed units for {mixed.select('company', 'metric').rows()}")
    wide = frame.pivot(on="metric", index=list(_KEYS), values="value", sort_columns=True)
    absent = [m for m in (metrics or []) if m not in wide.columns]
    wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(m) for m in absent)
    return wide.select(*_KEYS, *sorted(c for c in wide.columns if c not in _KEYS)).sort(list(_KEYS))


def per_vehicle_economics(
    money: pl.DataFrame,
    volume: pl.DataFrame,
    *,
    on: str | Sequence[str] = "company",
    name: str = "per_vehicle_yuan",
) -> pl.DataFrame:
    """Money per vehicle, with a check that money and volume cover the same perimeter and period.

    ``money`` has ``on``, ``period_start``, ``period_end``, ``value`` and ``unit`` (CNY_mn or CNY);
    ``volume`` has ``on``, ``period_start``, ``period_end`` and ``value`` (vehicles). Either may
    carry a ``perimeter`` column naming what it covers (default: the ``on`` key); rows are
    matched on ``on`` and the exact period (start and end).

    Formula: ``money * yuan_per_unit / vehicles`` in yuan per vehicle. Output adds ``vehicles``,
    ``name`` and ``flag``: null when perimeter and period match; otherwise the reason. A period
    mismatch (volume only for a period with the same start but another end) or missing volume
    gives a null result; a perimeter mismatch is computed but flagged.

    >>> import datetime as dt, polars as pl
    >>> h1 = dict(period_start=[dt.date(2025, 1, 1)], period_end=[dt.date(2025, 6, 30)])
    >>> money = pl.DataFrame({"company": ["SERES"], **h1, "value": [20_000.0], "unit": ["CNY_mn"]})
    >>> vol = pl.DataFrame({"company": ["SERES"], **h1, "value": [142_857], "perimeter": ["AITO brand"]})
    >>> out = per_vehicle_economics(money, vol)
    >>> round(out["per_vehicle_yuan"][0]), out["flag"][0]
    (140000, 'perimeter mismatch: money covers SERES, volume covers AITO brand')
    """
    keys = as_list(on)
    require_columns(money, [*keys, "period_start", "period_end", "value", "unit"], "per_vehicle_economics")
    require_columns(volume, [*keys, "period_start", "period_end", "value"], "per_vehicle_economics")
    units = money["unit"].cast(pl.String).unique().to_list()
    unknown = [u for u in units if u not in YUAN_PER_UNIT]
    if unknown:
        raise ValueError(f"per_vehicle_economics: money unit(s) {unknown} are not money; expected {list(YUAN_PER_UNIT)}")
    default_perimeter = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator="/")
    m = money.with_columns(
        (pl.col("perimeter").cast(pl.String) if "perimeter" in money.columns else default_perimeter).alias("_m_perim"),
        pl.col("unit").cast(pl.String).replace_strict(YUAN_PER_UNIT, return_dtype=pl.Float64).alias("_yuan"),
    )
    v = volume.select(
        *keys, "period_start", "period_end",
        pl.col("value").alias("vehicles"),
        (pl.col("perimeter").cast(pl.String) if "perimeter" in volume.columns else default_perimeter).alias("_v_perim"),
    )
    require_unique(v, [*keys, "period_start", "period_end"], "per_vehicle_economics (volume)")
    other_ends = v.group_by(*keys, "period_start").agg(
        pl.col("period_end").sort().cast(pl.String).str.join(" or ").alias("_v_end"))
    out = m.join(v, on=[*keys, "period_start", "period_end"], how="left").join(
        other_ends, on=[*keys, "period_start"], how="left")
    flag = (
        pl.when(pl.col("vehicles").is_null() & pl.col("_v_end").is_not_null())
        .then(pl.format("period mismatch: money ends {}, volume ends {}", "period_end", "_v_end"))
        .when(pl.col("vehicles").is_null()).then(pl.lit("no volume for this period"))
        .when(pl.col("_m_perim") != pl.col("_v_perim"))
        .then(pl.format("perimeter mismatch: money covers {}, volume covers {}", "_m_perim", "_v_perim"))
    )
    value = per_vehicle(amount="value", units="vehicles", yuan_per_unit=1.0) * pl.col("_yuan")
    return out.with_columns(value.alias(name), flag.alias("flag")).drop("_m_perim", "_v_perim", "_v_end", "_yuan")
